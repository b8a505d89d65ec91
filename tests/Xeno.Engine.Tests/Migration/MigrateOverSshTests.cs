using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// Two hosts as two network namespaces, each with its own xenod and a bridge of one name, the
/// bridges joined by a veth pair (their LAN); the target runs a real sshd and the source runs
/// `xl migrate &lt;dom&gt; &lt;target's address&gt;` with Xen's default rune (ssh … xl migrate-receive).
/// A third namespace on the LAN pings the guest throughout: the guest answers again after the
/// move (QEMU's self-announce teaches the bridges its new port) and the lost pings are counted.
/// </summary>
public sealed class MigrateOverSshTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    /// <summary>Pings every 200 ms (busybox: these hosts have no iputils ping) until stopped with SIGINT.</summary>
    private const string PingInterval = "0.2";

    /// <summary>At most this many pings (at 200 ms) may go unanswered across the move: 3 s.</summary>
    private const int MaxLostPings = 15;

    [Fact]
    public async Task XlMigrateOverSshMovesAGuestBetweenTwoHostsAndAPingFromAThirdGoesOn()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var net = new TestNet();
        string s = net.Subnet, br = net.Name("xmbr");
        string nsA = net.Name("xma"), nsB = net.Name("xmb"), nsC = net.Name("xmc");
        var before = net.HostState();
        foreach (var ns in new[] { nsA, nsB, nsC })
        {
            net.Make(["ip", "netns", "add", ns], ["ip", "netns", "del", ns]);
            TestNet.Run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        // The LAN: a bridge of the same name on both hosts (the guest's config names it), joined by
        // a veth pair; each host's address is on its bridge; the third namespace hangs off host A's.
        foreach (var (ns, address) in new[] { (nsA, $"{s}.1/24"), (nsB, $"{s}.2/24") })
        {
            TestNet.Run("ip", "-n", ns, "link", "add", br, "type", "bridge");
            TestNet.Run("ip", "-n", ns, "addr", "add", address, "dev", br);
            TestNet.Run("ip", "-n", ns, "link", "set", br, "up");
        }
        TestNet.Run("ip", "-n", nsA, "link", "add", "lan", "type", "veth", "peer", "name", "lan", "netns", nsB);
        TestNet.Run("ip", "-n", nsC, "link", "add", "eth0", "type", "veth", "peer", "name", "pinger", "netns", nsA);
        foreach (var (ns, port) in new[] { (nsA, "lan"), (nsB, "lan"), (nsA, "pinger") })
        {
            TestNet.Run("ip", "-n", ns, "link", "set", port, "master", br);
            TestNet.Run("ip", "-n", ns, "link", "set", port, "up");
        }
        TestNet.Run("ip", "-n", nsC, "addr", "add", $"{s}.3/24", "dev", "eth0");
        TestNet.Run("ip", "-n", nsC, "link", "set", "eth0", "up");

        await using var a = Xenod.Without();
        await using var b = Xenod.Without();
        var daemonA = XenodProcess.Start(a.Prefix, nsA);
        var daemonB = XenodProcess.Start(b.Prefix, nsB);
        using var sshd = await SshTarget.StartAsync(nsB, $"{s}.2", b.Prefix, Path.Combine(b.Root, "ssh"));
        Process? ping = null;
        string name = "mh-" + net.Tag;
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(a.Prefix, "run/xeno/xenod.sock")) && File.Exists(Path.Combine(b.Prefix, "run/xeno/xenod.sock")),
                "both xenods' sockets", 60);
            var r = Random.Shared;
            string mac = $"00:16:3e:{r.Next(128):x2}:{r.Next(256):x2}:{r.Next(256):x2}";
            var create = a.Xl("create", "-q", a.PvConfig(name, extra: $"vif=['bridge={br},mac={mac}']\n"));
            Assert.True(create.Exit == 0, create.Err);
            await a.WaitForMarkerAsync(name);
            using (var shell = await GuestShell.AttachAsync(a.Prefix, a.Domid(name)))
            {
                Assert.True(await shell.RunAsync($"ip link set eth0 up && ip addr add {s}.10/24 dev eth0"), shell.Transcript);
                Assert.True(await shell.RunAsync($"ping -c 1 -w 90 {s}.3"), shell.Transcript);
                Assert.True(await shell.RunAsync("(sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 1; done' </dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)"));
            }

            ping = StartPing(nsC, $"{s}.10", out var pingOut);
            await Xenod.WaitForAsync(() => Replies(pingOut) >= 5, "the guest to answer pings from the third namespace", 60);

            var migrate = TestNet.TryRun(sshd.SenderCommand(nsA, "env", $"XENO_PREFIX={a.Prefix}", XlPath, "migrate", name, $"{s}.2"));
            TestContext.Current.TestOutputHelper?.WriteLine(migrate.Err);
            Assert.True(migrate.Exit == 0, migrate.Err + "\nsshd: " + sshd.Log);
            Assert.Contains("migration target: Ready to receive domain.\n", migrate.Err);
            Assert.Contains("migration target: Domain started successsfully.\n", migrate.Err);
            Assert.EndsWith("Migration successful.\n", migrate.Err);

            // The guest runs at B only; A keeps nothing.
            Assert.Equal(["Domain-0"], a.ListNames());
            Assert.Empty(RunFolders(a));
            Assert.Equal(["Domain-0", name], b.ListNames());
            Xenod.AssertRow(@" (r-----|-b----) ", b.ListRow(name));

            // Pings are answered again from B; then count what the move lost.
            int answeredAtMove = Replies(pingOut);
            await Xenod.WaitForAsync(() => Replies(pingOut) >= answeredAtMove + 5, "pings to be answered after the move", 60);
            var (sent, received) = await StopPingAsync(ping, pingOut);
            int lost = sent - received;
            TestContext.Current.TestOutputHelper?.WriteLine($"ping across the move: {sent} sent, {received} answered, {lost} lost (every {PingInterval} s)");
            Assert.True(lost <= MaxLostPings, $"{lost} of {sent} pings lost across the move (at most {MaxLostPings})");

            using (var shell = await GuestShell.AttachAsync(b.Prefix, b.Domid(name)))
            {
                Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid) && cp /tmp/c /tmp/c0"), "the counter process lives on at B");
                Assert.True(await shell.RunAsync("sleep 2; test $(cat /tmp/c) -gt $(cat /tmp/c0)"), "the counter counts on");
                Assert.True(await shell.RunAsync($"ping -c 1 -w 90 {s}.3"), shell.Transcript);
            }
            Assert.Equal(0, b.Xl("destroy", name).Exit);
            Assert.Empty(RunFolders(b));
        }
        finally
        {
            if (ping is { HasExited: false })
                ping.Kill();
            ping?.Dispose();
            foreach (var (x, daemon) in new[] { (a, daemonA), (b, daemonB) })
            {
                if (!daemon.HasExited)
                    foreach (var n in x.ListNames().Where(n => n != "Domain-0"))
                        x.Xl("destroy", n);
                XenodProcess.Stop(daemon);
                daemon.Dispose();
            }
        }
        XenodProcess.AssertNoCgroupLeft(a.Prefix);
        XenodProcess.AssertNoCgroupLeft(b.Prefix);
        sshd.Dispose();
        net.Dispose();
        Assert.Equal(before, net.HostState());
    }

    private static string[] RunFolders(Xenod x) =>
        [.. Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^d\d+$"))];

    private static Process StartPing(string netns, string address, out System.Text.StringBuilder output)
    {
        var info = new ProcessStartInfo("ip", ["netns", "exec", netns, "busybox", "ping", "-i", PingInterval, address])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start ping");
        var text = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is { } l) lock (text) text.AppendLine(l); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (text) text.AppendLine(l); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        output = text;
        return p;
    }

    private static int Replies(System.Text.StringBuilder output)
    {
        lock (output)
            return Regex.Matches(output.ToString(), @"bytes from .* seq=").Count;
    }

    /// <summary>SIGINT (ip netns exec runs busybox in its own process): busybox prints its summary.</summary>
    private static async Task<(int Sent, int Received)> StopPingAsync(Process ping, System.Text.StringBuilder output)
    {
        TestNet.Run("kill", "-INT", ping.Id.ToString(CultureInfo.InvariantCulture));
        await ping.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
        string text;
        lock (output)
            text = output.ToString();
        var m = Regex.Match(text, @"(\d+) packets transmitted, (\d+) packets received");
        Assert.True(m.Success, "no ping summary in:\n" + text);
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}
