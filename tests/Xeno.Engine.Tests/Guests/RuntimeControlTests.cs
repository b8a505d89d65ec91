using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xeno.Cli.Tests.Top;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// Run-time control on one real guest (one boot for all of it): `xl top -b -i 2` parsed as a
/// script would, vcpu-set down and up with the guest's own view of its CPUs
/// (/sys/devices/system/cpu/online, read through its console shell), Xen's vcpu-set refusals,
/// sysrq seen in the guest's console, dump-core's ELF file, and trigger power ending the guest
/// through its ACPI power button.
/// </summary>
public sealed class RuntimeControlTests
{
    private const string Name = "rtc";

    [Fact]
    public async Task TopVcpuSetSysrqDumpCoreAndTriggerOnARunningGuest()
    {
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig(Name, agent: true, extra: "vcpus=2\nmaxvcpus=3\n")).Exit);
        await x.WaitForMarkerAsync(Name);
        int domid = x.Domid(Name);
        // The agent (which brings plugged CPUs online) starts after the marker.
        await Xenod.WaitForAsync(() => x.ConsoleLog(Name).Contains("xeno-guest: guest agent on", StringComparison.Ordinal), "the guest agent");
        using var console = GuestConsole.Open(x, domid);
        Assert.Equal("0-1", await GuestCpusAsync(x, console));
        // xenstore's cpu/N/availability, as libxl writes it, follows every change below.
        Assert.Equal("online online offline", Availability(x, domid, 3));

        // xl top -b -i 2: two iterations, each a header and one row per domain, Domain-0 and the guest.
        var top = x.Xl("top", "-b", "-i", "2", "-d", "1");
        Assert.Equal((0, ""), (top.Exit, top.Err));
        var iterations = XentopBatchText.Parse(top.Out);
        Assert.Equal(2, iterations.Count);
        foreach (var rows in iterations)
        {
            Assert.Equal(["Domain-0", Name], rows.Select(r => r["NAME"]));
            var guest = rows[1];
            Assert.Equal("2", guest["VCPUS"]);
            Assert.Equal("131072", guest["MEM(k)"]);
            Assert.Equal("0", guest["NETS"]);
            Assert.Equal("0", guest["VBDS"]);
            Assert.Matches("^[-d][-s][-b][-c][-p][-r]$", guest["STATE"]);
            Assert.InRange(guest.Number("CPU(%)"), 0, 100.0 * Environment.ProcessorCount);
        }

        // Xen's refusals change nothing: above maxvcpus, zero, garbage, and the host check without -i.
        Assert.Equal((1, "", $"libxl: error: Domain {domid}:Requested 4 VCPUs, however maxcpus is 3!\n" +
                             $"libxl_set_vcpuonline failed domid={domid} max_vcpus=4, rc: -3\n"), x.Xl("vcpu-set", "-i", Name, "4"));
        Assert.Equal((1, "", $"libxl: error: Domain {domid}:Requested 0 VCPUs!\nlibxl_set_vcpuonline failed domid={domid} max_vcpus=0, rc: -3\n"),
            x.Xl("vcpu-set", Name, "0"));
        Assert.Equal((1, "", "Error: Invalid argument.\n"), x.Xl("vcpu-set", Name, "many"));
        int host = Environment.ProcessorCount;
        Assert.Equal((1, "", $"You are overcommmitting! You have {host} physical CPUs and want {host + 1} vCPUs! Aborting, use --ignore-host to continue\n"),
            x.Xl("vcpu-set", Name, (host + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("0-1", await GuestCpusAsync(x, console));

        // Up to three (beyond the host's CPUs, so -i): CPU 2 is plugged and brought online by the agent.
        Assert.Equal((0, "", ""), x.Xl("vcpu-set", "-i", Name, "3"));
        await WaitForCpusAsync(x, console, "0-2");
        Assert.Equal("online online online", Availability(x, domid, 3));
        Assert.Matches($@"^{Name} +{domid} +2 +\d+ +[r-][b-]- ", x.Xl("vcpu-list", Name).Out.Split('\n')[3]);

        // Down to one: the guest's CPUs 1 and 2 go away; vcpu-list shows them offline as Xen does.
        Assert.Equal((0, "", ""), x.Xl("vcpu-set", Name, "1"));
        Assert.Equal("0", await GuestCpusAsync(x, console));
        Assert.Equal("online offline offline", Availability(x, domid, 3));
        var list = x.Xl("vcpu-list", Name).Out.Split('\n');
        Assert.Matches($@"^{Name} +{domid} +0 +\d+ +[r-][b-]- ", list[1]);
        Assert.Matches($@"^{Name} +{domid} +1 +- +--p ", list[2]);
        Assert.Matches($@"^{Name} +{domid} +2 +- +--p ", list[3]);
        Assert.Matches($@"^{Name} +{domid} +\d+ +1 ", x.ListRow(Name));
        if (x.Host!.Engine.Accelerator.Accelerator == Xeno.Qemu.Acceleration.Accelerator.Tcg)
        {
            // Plugging after an unplug ends QEMU 7.2 under multi-threaded TCG: refused, nothing changes.
            var again = x.Xl("vcpu-set", Name, "2");
            Assert.Equal(1, again.Exit);
            Assert.Contains("cannot plug a vCPU after one was unplugged", again.Err, StringComparison.Ordinal);
            Assert.Equal("0", await GuestCpusAsync(x, console));
            Assert.Equal("online offline offline", Availability(x, domid, 3));
        }

        // sysrq: Alt+SysRq+s on the guest's keyboard is the kernel's emergency sync.
        Assert.Equal((0, "", ""), x.Xl("sysrq", Name, "s"));
        await Xenod.WaitForAsync(() => x.ConsoleLog(Name).Contains("sysrq: Emergency Sync", StringComparison.Ordinal), "the guest's SysRq message");
        var badKey = x.Xl("sysrq", Name, "ab");
        Assert.Equal((1, "Invalid sysrq.\n\n"), (badKey.Exit, badKey.Err));

        // dump-core: an ELF core of the guest's memory, the guest still running.
        var core = Path.Combine(x.Root, "rtc.core");
        Assert.Equal((0, "", ""), x.Xl("dump-core", Name, core));
        using (var f = File.OpenRead(core))
        {
            var magic = new byte[4];
            f.ReadExactly(magic);
            Assert.Equal("\x7f" + "ELF", Encoding.ASCII.GetString(magic));
            Assert.True(f.Length > 100L * 1024 * 1024, $"a core of the guest's 128 MiB, got {f.Length} bytes");
        }
        var badCore = x.Xl("dump-core", Name, "/nonexistent/dir/core");
        Assert.Equal(1, badCore.Exit);
        Assert.StartsWith($"libxl: error: Domain {domid}:domain \"{Name}\": core dump to /nonexistent/dir/core failed: ", badCore.Err, StringComparison.Ordinal);
        Assert.EndsWith("\ncore dump failed (rc=-3)\n", badCore.Err, StringComparison.Ordinal);
        Assert.Equal("0", await GuestCpusAsync(x, console));

        // trigger: unknown names and QEMU's missing triggers as xl reports them; power = ACPI button.
        Assert.Equal((1, "", "Invalid trigger \"bogus\"\n"), x.Xl("trigger", Name, "bogus"));
        Assert.Equal((0, "", $"libxl: error: Domain {domid}:Send trigger 'sleep' failed: QEMU has no ACPI sleep button\n"), x.Xl("trigger", Name, "sleep"));
        Assert.Equal((0, "", ""), x.Xl("trigger", Name, "power"));
        await Xenod.WaitForAsync(() => x.ConsoleLog(Name).Contains("xeno-guest: power button pressed", StringComparison.Ordinal), "the guest's power button handler");
        await Xenod.WaitForAsync(() => x.Domid(Name) < 0, "the guest to power off (on_poweroff=destroy)");
    }

    private static int _query;

    /// <summary>cpu/0..max-1/availability read with Xen's xenstore-read, space-separated.</summary>
    private static string Availability(Xenod x, int domid, int max) =>
        string.Join(' ', Enumerable.Range(0, max).Select(n =>
        {
            var (exit, value) = XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/{domid}/cpu/{n}/availability");
            Assert.Equal(0, exit);
            return value.TrimEnd('\n');
        }));

    /// <summary>What the guest's /sys/devices/system/cpu/online says now (asked on its console shell).</summary>
    private static async Task<string> GuestCpusAsync(Xenod x, GuestConsole console)
    {
        int n = Interlocked.Increment(ref _query);
        var pattern = new Regex($@"Q{n}=([0-9,-]+)\b");
        string? answer = null;
        for (int attempt = 0; answer is null; attempt++)
        {
            // The shell may still be starting, or busy: ask again until it answers.
            console.Type($"echo Q{n}=$(cat /sys/devices/system/cpu/online)\n");
            try
            {
                await Xenod.WaitForAsync(() => pattern.IsMatch(x.ConsoleLog(Name)), $"the guest shell's answer Q{n}", 20);
            }
            catch (Xunit.Sdk.FailException) when (attempt < 5)
            {
                continue;
            }
            answer = pattern.Match(x.ConsoleLog(Name)).Groups[1].Value;
        }
        return answer;
    }

    private static async Task WaitForCpusAsync(Xenod x, GuestConsole console, string expected)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string now;
        while ((now = await GuestCpusAsync(x, console)) != expected)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(120), $"the guest's online CPUs stayed {now}, expected {expected}");
            await Task.Delay(1000);
        }
    }
}

/// <summary>
/// A client of the guest's console hub that types into the guest's shell; what it receives is
/// read and dropped (the console log has it), so the hub never finds this client lagging.
/// </summary>
internal sealed class GuestConsole : IDisposable
{
    private readonly Socket _socket;
    private readonly Task _drain;

    private GuestConsole(Socket socket)
    {
        _socket = socket;
        _drain = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (await _socket.ReceiveAsync(buffer) > 0) { }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public static GuestConsole Open(Xenod x, int domid)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(x.Host!.Engine.Consoles.Find(domid)!.SocketPath));
        return new GuestConsole(socket);
    }

    public void Type(string text) => _socket.Send(Encoding.ASCII.GetBytes(text));

    public void Dispose()
    {
        _socket.Dispose();
        _drain.Wait(TimeSpan.FromSeconds(5));
    }
}
