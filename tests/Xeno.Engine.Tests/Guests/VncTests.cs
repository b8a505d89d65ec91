using System.Net;
using System.Net.Sockets;
using System.Text;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// vncpasswd= on a real HVM guest: QEMU's VNC server asks for VNC authentication (RFB security
/// type 2) and never offers None (type 1), also after a xenod restart; the password is on no
/// command line, in no log, and only in the root-only runtime record. A guest without vncpasswd
/// offers None, so the check can tell the two apart.
/// </summary>
public sealed class VncTests
{
    /// <summary>The RFB 3.8 handshake up to the security types the server offers.</summary>
    private static async Task<byte[]> SecurityTypesAsync(int port, CancellationToken cancel)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancel);
        var stream = client.GetStream();
        var version = new byte[12];
        await stream.ReadExactlyAsync(version, cancel);
        Assert.StartsWith("RFB 003.", Encoding.ASCII.GetString(version), StringComparison.Ordinal);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("RFB 003.008\n"), cancel);
        var count = new byte[1];
        await stream.ReadExactlyAsync(count, cancel);
        Assert.True(count[0] > 0, "the server refused the connection (no security types)");
        var types = new byte[count[0]];
        await stream.ReadExactlyAsync(types, cancel);
        return types;
    }

    /// <summary>A display number whose port is free now (5900 + n).</summary>
    private static int FreeDisplay()
    {
        for (int display = 40 + Random.Shared.Next(40); display < 99; display++)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, 5900 + display);
                probe.Start();
                probe.Stop();
                return display;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free VNC display between 40 and 98");
    }

    private static string Config(string name, int display, string? password) =>
        $"name=\"{name}\"\ntype=\"hvm\"\nmemory=64\nboot=\"c\"\nvnc=1\nvnclisten=\"127.0.0.1\"\nvncdisplay={display}\nvncunused=0\n" +
        (password is null ? "" : $"vncpasswd=\"{password}\"\n");

    [Fact]
    public async Task VncpasswdMakesQemuAskForVncAuthentication()
    {
        var cancel = TestContext.Current.CancellationToken;
        const string secret = "xeno-s3cret";
        await using var x = await Xenod.StartAsync();
        int locked = FreeDisplay();
        Assert.Equal(0, x.Xl("create", "-q", x.WriteConfig("vnc-a.cfg", Config("vnc-a", locked, secret))).Exit);
        int open = FreeDisplay();
        Assert.Equal(0, x.Xl("create", "-q", x.WriteConfig("vnc-b.cfg", Config("vnc-b", open, null))).Exit);

        var types = await SecurityTypesAsync(5900 + locked, cancel);
        Assert.Contains((byte)2, types);
        Assert.DoesNotContain((byte)1, types);
        Assert.Contains((byte)1, await SecurityTypesAsync(5900 + open, cancel));

        // The secret is on no command line and in no log; the record that keeps it is root-only.
        var snap = await x.Host!.Engine.GetAsync("vnc-a", cancel);
        var cmdline = File.ReadAllText($"/proc/{snap.QemuPid}/cmdline");
        Assert.Contains("password=on", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, x.Xl("list", "-l").Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(x.Prefix, "var/log/xeno/xenod.log")), StringComparison.Ordinal);
        var record = Path.Combine(x.Prefix, "run/xeno/domains", snap.Domid + ".json");
        Assert.True(OperatingSystem.IsLinux());
        if (OperatingSystem.IsLinux())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(record));

        // Re-adopted by a new xenod: still locked.
        await x.StopHostAsync();
        await x.StartHostAsync();
        types = await SecurityTypesAsync(5900 + locked, cancel);
        Assert.Equal((true, false), (types.Contains((byte)2), types.Contains((byte)1)));
        Assert.Equal((0, "", ""), x.Xl("destroy", "vnc-a"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "vnc-b"));
    }
}
