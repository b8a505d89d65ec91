using Xeno.Api.Client;
using Xeno.Cli.Commands;
using Xeno.Cli.Commands.Domain;
using Xeno.Config.Domain;

namespace Xeno.Cli.Tests.Domain;

/// <summary>The domain commands' own logic, without a xenod: formats, parsing, usage errors.</summary>
public sealed class DomainCommandTests
{
    [Theory]
    [InlineData(0, false, " 0:00:00")]
    [InlineData(59, false, " 0:00:59")]
    [InlineData(3661, false, " 1:01:01")]
    [InlineData(86399, false, "23:59:59")]
    [InlineData(86400, false, "1 day,  0:00:00")]
    [InlineData(2 * 86400 + 3600 * 5 + 7, false, "2 days,  5:00:07")]
    [InlineData(3661, true, " 1:01")]
    [InlineData(86400 + 60, true, "1 day,  0:01")]
    [InlineData(3 * 86400, true, "3 days,  0:00")]
    public void UptimeStringsAsXl(long seconds, bool shortMode, string expected) =>
        Assert.Equal(expected, QueryCommands.Format(seconds, shortMode));

    [Theory]
    [InlineData("^]", 0x1d)]
    [InlineData("^a", 0x01)]
    [InlineData("^A", 0x01)]
    [InlineData("x", (byte)'x')]
    public void ConsoleEscapeNotation(string text, byte expected) => Assert.Equal(expected, ConsoleCommand.ParseEscape(text));

    [Fact]
    public void RelativeBootAndDiskPathsBecomeAbsolute()
    {
        var spec = new DomainSpec
        {
            Name = "a", Kind = DomainKind.Pv, Uuid = Guid.Empty, MemoryMiB = 64, MaxMemMiB = 64, Vcpus = 1, MaxVcpus = 1,
            Kernel = "k/vmlinuz", Ramdisk = "/abs/initrd",
            Disks = [new DomainDisk { Target = "d.img", Format = "raw", Vdev = "xvda", Devid = 51712, ReadOnly = false, IsCdrom = false },
                     new DomainDisk { Target = null, Format = "empty", Vdev = "hdc", Devid = 5632, ReadOnly = true, IsCdrom = true }],
        };
        var abs = CreateRequest.Absolute(spec, "/work/here");
        Assert.Equal("/work/here/k/vmlinuz", abs.Kernel);
        Assert.Equal("/abs/initrd", abs.Ramdisk);
        Assert.Equal("/work/here/d.img", abs.Disks[0].Target);
        Assert.Null(abs.Disks[1].Target);

        // With pygrub, kernel= and ramdisk= name files inside the guest: left alone; disks still resolve.
        var guest = CreateRequest.Absolute(spec with { Bootloader = "pygrub", Kernel = "boot/vmlinuz", Ramdisk = "boot/initrd" }, "/work/here");
        Assert.Equal(("boot/vmlinuz", "boot/initrd"), (guest.Kernel, guest.Ramdisk));
        Assert.Equal("/work/here/d.img", guest.Disks[0].Target);
        // hvm ignores the bootloader, as libxl does: host paths again.
        var hvm = CreateRequest.Absolute(spec with { Kind = DomainKind.Hvm, Bootloader = "pygrub" }, "/work/here");
        Assert.Equal("/work/here/k/vmlinuz", hvm.Kernel);
    }

    [Theory]
    [InlineData("li", "list")]
    [InlineData("des", "destroy")]
    [InlineData("un", "unpause")]
    [InlineData("up", "uptime")]
    [InlineData("vm", "vm-list")]
    [InlineData("domn", "domname")]
    [InlineData("con", "console")]
    public void CommandPrefixesResolveAsXl(string prefix, string name) => Assert.Equal(name, CommandTable.Lookup(prefix)?.Name);

    [Theory]
    [InlineData("d")]
    [InlineData("dom")]
    [InlineData("re")]
    public void AmbiguousPrefixesAreNotCommands(string prefix) => Assert.Null(CommandTable.Lookup(prefix));

    [Fact]
    public void MissingArgumentsPrintXlUsageErrors()
    {
        using var xl = new XlRunner();
        var r = xl.Run("pause");
        Assert.Equal(2, r.Exit);
        Assert.Equal("'xl pause' requires at least 1 argument.\n\n", r.Err);
        Assert.StartsWith("Usage: xl [-vtTf] pause <Domain>\n\nPause execution of a domain.\n", r.Out, StringComparison.Ordinal);
        var rename = xl.Run("rename", "a");
        Assert.Equal("'xl rename' requires at least 2 arguments.\n\n", rename.Err);
        Assert.Equal((2, "", "option `x' not supported.\n"), xl.Run("list", "-x"));
    }

    [Fact]
    public void WithoutXenodCommandsSayWhereTheyLooked()
    {
        using var xl = new XlRunner();
        var r = xl.Run("list");
        Assert.Equal(1, r.Exit);
        // The prefix exists but no xenod ever ran there: say so, and how to start one for it.
        Assert.Equal($"no xenod is running for prefix {xl.Prefix} (nothing answers at {Path.Combine(xl.Prefix, "run/xeno/xenod.sock")}: no such socket); " +
                     $"start one with `xenod run --prefix {xl.Prefix}`\n", r.Err);
        Assert.Equal((1, "", "console type supported are: pv, serial, vuart\n"), xl.Run("console", "-t", "tty", "x"));
    }

    [Fact]
    public void TheTypedClientNamesThePrefixReadOffTheSocketPath()
    {
        Assert.Equal("/", DaemonUnreachable.PrefixOf("/run/xeno/xenod.sock"));
        Assert.Equal("/srv/x", DaemonUnreachable.PrefixOf("/srv/x/run/xeno/xenod.sock"));
        Assert.Null(DaemonUnreachable.PrefixOf("/tmp/other.sock"));
        using var xl = new XlRunner();
        var socket = Path.Combine(xl.Prefix, "run/xeno/xenod.sock");
        using var client = new XenodClient(socket);
        var e = Assert.Throws<XenodException>(() => client.ListDomainsAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult());
        Assert.Equal(DaemonUnreachable.Message(xl.Prefix, socket, "no such socket"), e.Message);
    }

    [Fact]
    public void AStaleSocketKeepsTheSocketErrorAndTheDefaultPrefixNamesTheService()
    {
        Assert.Equal("no xenod is running for prefix / (nothing answers at /run/xeno/xenod.sock: Connection refused); " +
                     "start it with `xenod run` (or `systemctl start xenod`)",
                     DaemonUnreachable.Message("/", "/run/xeno/xenod.sock", "Connection refused"));
        using var xl = new XlRunner();
        var socket = Path.Combine(xl.Prefix, "run/xeno/xenod.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        // A socket file nobody listens on: what a xenod killed with SIGKILL leaves behind (bound,
        // never listening; .NET removes the file when the socket closes, so it stays open here).
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        s.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        var r = xl.Run("list");
        Assert.Equal(1, r.Exit);
        Assert.StartsWith($"no xenod is running for prefix {xl.Prefix} (nothing answers at {socket}: Connection refused); ", r.Err, StringComparison.Ordinal);
    }
}
