using System.Diagnostics;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;
using Xeno.Engine.Bench;

namespace Xeno.Network.Bench;

/// <summary>
/// Issue 10's figures in one run, against one in-process xenod and one bridge of the run's own:
/// guest-to-host TCP throughput (Xeno pv/virtio, the same QEMU argv started bare on a hand-made
/// tap, hvm with virtio, e1000 and rtl8139), guest-to-guest throughput (two Xeno pv guests
/// against two bare QEMUs of the same argv), xl create time with 0, 1 and 4 vifs, xenod's own
/// cost per vif (in process, against the same ip commands alone), and network-attach latency
/// to the guest seeing its new NIC. Writes a markdown section.
/// </summary>
internal sealed class NetworkBench(GuestKit kit, int runs, bool quick, IReadOnlySet<string> parts)
{
    private static readonly Variant[] Variants =
    [
        new("Xeno pv guest, virtio-net (vif)", "pv", ""),
        new("bare QEMU, the same argv, tap made by hand", "pv", "", Bare: true),
        new("Xeno hvm guest, virtio-net (type=vif)", "hvm", ",type=vif"),
        new("Xeno hvm guest, e1000 (type=ioemu)", "hvm", ",type=ioemu,model=e1000"),
        new("Xeno hvm guest, rtl8139 (type=ioemu, Xen's default model)", "hvm", ",type=ioemu,model=rtl8139"),
    ];

    /// <summary>Variants measured together: Xeno against bare QEMU; the hvm NIC models against each other.</summary>
    private static readonly int[][] Groups = [[0, 1], [2, 3, 4]];

    /// <summary>The bench's parts (--only): guest-to-host throughput with network-attach latency, guest-to-guest, xenod's cost per vif, xl create.</summary>
    public static readonly string[] Parts = ["host", "guest", "vifcost", "create"];

    private TimeSpan Warm => TimeSpan.FromSeconds(quick ? 1 : 2);
    private TimeSpan Window => TimeSpan.FromSeconds(quick ? 3 : 8);

    public async Task<string> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("xnb-").FullName;
        using var bridge = new BenchBridge();
        try
        {
            var initrd = NicDriverInitrd.Write(kit, Directory.CreateDirectory(Path.Combine(root, "initrd")).FullName);
            var prefix = Path.Combine(root, "p");
            await using var host = await EngineHost.StartAsync(prefix);
            var guests = new Guests(root, prefix, kit.Vmlinuz, initrd, bridge);
            var loads = new List<string> { Stats.Load() };

            var throughput = Variants.Select(_ => new List<double>()).ToArray();
            List<double> g2gXeno = [], g2gBare = [];
            List<double> attachXl = [], attachSeen = [];
            var failures = new List<string>();
            for (int r = 0; r < runs; r++)
            {
                foreach (var group in parts.Contains("host") ? Groups : [])
                {
                    // The guests of a group boot one after another (the bare one replays the Xeno guest's argv)
                    // and stream at the same time: each gets an equal share of the loaded host's CPU, so the
                    // ratios compare the data paths, not the moments the load happened to change.
                    var up = new List<(int Variant, Guests.Running Guest)>();
                    try
                    {
                        foreach (int i in group)
                        {
                            try
                            {
                                up.Add((i, await guests.StartAsync(Variants[i], Mac(r, i), 10 + i)));
                            }
                            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                            {
                                // One guest that does not come up costs its row this round, not the whole run.
                                failures.Add($"round {r + 1}, {Variants[i].Label}: {e.Message.Split('\n')[0]}");
                                Console.Error.WriteLine(e);
                            }
                        }
                        var results = await Task.WhenAll(up.Select(u => TransferAsync(u.Guest, bridge)));
                        for (int k = 0; k < up.Count; k++)
                        {
                            throughput[up[k].Variant].Add(results[k]);
                            Console.Error.WriteLine($"run {r + 1}/{runs}: {Variants[up[k].Variant].Label}: {Stats.F(results[k], 3)} MB/s");
                        }
                        // network-attach latency on the Xeno pv guest of the last round, alone (the others stopped first).
                        if (r == runs - 1 && up.FirstOrDefault(u => u.Variant == 0).Guest is { } pv)
                        {
                            foreach (var u in up.Where(u => u.Variant != 0))
                                await u.Guest.Stop();
                            up.RemoveAll(u => u.Variant != 0);
                            await AttachLatencyAsync(guests, pv, bridge, quick ? 2 : 5, attachXl, attachSeen);
                        }
                    }
                    finally
                    {
                        foreach (var u in up)
                            await u.Guest.Stop();
                    }
                }
                if (parts.Contains("guest"))
                    await GuestToGuestRoundAsync(guests, bridge, r, g2gXeno, g2gBare, failures);
                loads.Add(Stats.Load());
            }
            var setUpCost = parts.Contains("vifcost") ? await VifSetUpCost.MeasureAsync(bridge, quick ? 10 : 30) : null;
            var create = parts.Contains("create") ? await CreateTimesAsync(guests, bridge, quick ? 1 : 5) : null;
            loads.Add(Stats.Load());
            return Report(throughput, g2gXeno, g2gBare, setUpCost, create, attachXl, attachSeen, loads, failures);
        }
        finally
        {
            int killed = KillQemusUnder(root);
            if (killed > 0) Console.Error.WriteLine($"network: killed {killed} QEMU process(es) left under {root}");
            // A run that failed midway leaves its domains to no one: their taps (all named xbt<tag>...) go here.
            foreach (var tap in Directory.GetFileSystemEntries("/sys/class/net", $"xbt{bridge.Tag}*"))
                BenchBridge.DeleteTap(Path.GetFileName(tap));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Mac(int run, int variant) => $"00:16:3e:6e:{run:x2}:{variant:x2}";

    /// <summary>
    /// Two Xeno pv guests, then two bare QEMUs replaying the second one's argv, all on the bridge;
    /// each pair streams sender to receiver at the same time as the other pair (an equal share of
    /// the loaded host's CPU each), so the ratio compares data paths.
    /// </summary>
    private async Task GuestToGuestRoundAsync(Guests guests, BenchBridge bridge, int r, List<double> xeno, List<double> bare, List<string> failures)
    {
        var up = new List<Guests.Running>();
        try
        {
            // Variant 1 (bare) replays the argv of the last Xeno pv guest started: the receiver of the Xeno pair.
            int[] variants = [0, 0, 1, 1];
            for (int k = 0; k < variants.Length; k++)
                up.Add(await guests.StartAsync(Variants[variants[k]], Mac(r, 0x20 + k), 20 + k));
            var results = await Task.WhenAll(
                GuestToGuest.TransferAsync(up[0], up[1], Warm, Window),
                GuestToGuest.TransferAsync(up[2], up[3], Warm, Window));
            xeno.Add(results[0]);
            bare.Add(results[1]);
            Console.Error.WriteLine($"run {r + 1}: guest to guest: Xeno {Stats.F(results[0], 3)} MB/s, bare {Stats.F(results[1], 3)} MB/s");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // One pair that does not come up or does not stream costs the round's pair, not the whole run.
            failures.Add($"round {r + 1}, guest to guest: {e.Message.Split('\n')[0]}");
            Console.Error.WriteLine(e);
        }
        finally
        {
            foreach (var g in up)
                await g.Stop();
        }
    }

    /// <summary>The guest streams zeros to the host's sink through busybox nc; the host counts what arrives.</summary>
    private async Task<double> TransferAsync(Guests.Running g, BenchBridge bridge)
    {
        using var sink = new TcpSink(bridge.HostAddress);
        var measure = sink.MeasureAsync(Warm, Window, TimeSpan.FromMinutes(2));
        var send = g.Console.RunAsync($"dd if=/dev/zero bs=65536 2>/dev/null | nc {bridge.HostAddress} {sink.Port}", TimeSpan.FromMinutes(3));
        double mbs = await measure;
        await send; // nc ends on the closed connection; its exit status does not matter
        return mbs;
    }

    /// <summary>
    /// Per attach: the guest polls its sysfs for the new MAC every 20 ms and prints a marker; timed
    /// from the start of xl network-attach to xl's return and to the marker on the console.
    /// </summary>
    private static async Task AttachLatencyAsync(Guests guests, Guests.Running g, BenchBridge bridge, int count,
        List<double> xlMs, List<double> seenMs)
    {
        for (int k = 1; k <= count; k++)
        {
            string mac = $"00:16:3e:6f:{bridge.Tag[..2]}:{k:x2}";
            await g.Console.TypeAsync($"while ! grep -q {mac} /sys/class/net/*/address; do usleep 20000; done; echo SEEN-$(({k}*7))\n");
            string marker = $"SEEN-{k * 7}";
            await Task.Delay(500); // the loop is running in the guest before the NIC comes
            var sw = Stopwatch.StartNew();
            guests.Xl("network-attach", g.Name, $"bridge={bridge.Name}", $"mac={mac}");
            xlMs.Add(sw.Elapsed.TotalMilliseconds);
            await g.Console.WaitForAsync(t => t.Contains(marker, StringComparison.Ordinal), "the guest to see its new NIC", TimeSpan.FromMinutes(2));
            seenMs.Add(sw.Elapsed.TotalMilliseconds);
            guests.Xl("network-detach", g.Name, mac);
        }
    }

    /// <summary>xl create until it returns (QEMU started, the guest running), 0, 1 and 4 vifs interleaved; destroy untimed.</summary>
    private static async Task<List<double>[]> CreateTimesAsync(Guests guests, BenchBridge bridge, int rounds)
    {
        int[] counts = [0, 1, 4];
        var times = counts.Select(_ => new List<double>()).ToArray();
        for (int r = -1; r < rounds; r++) // round -1 warms the paths up, not counted
        {
            for (int j = 0; j < counts.Length; j++)
            {
                int c = counts[(j + Math.Max(r, 0)) % counts.Length]; // rotate who goes first
                string name = $"nc{c}";
                string vifs = c == 0 ? "" : "vif=[" + string.Join(", ", Enumerable.Range(0, c).Select(_ => $"'bridge={bridge.Name}'")) + "]\n";
                var cfg = guests.Config(name, "pv", vifs);
                var sw = Stopwatch.StartNew();
                guests.Xl("create", "-q", cfg);
                double ms = sw.Elapsed.TotalMilliseconds;
                guests.Xl("destroy", name);
                if (r >= 0) times[Array.IndexOf(counts, c)].Add(ms);
                await Task.Yield();
            }
        }
        return times;
    }

    private string Report(List<double>[] throughput, List<double> g2gXeno, List<double> g2gBare, IReadOnlyList<VifSetUpCost.Row>? setUpCost,
        List<double>[]? create, List<double> attachXl, List<double> attachSeen, List<string> loads, List<string> failures)
    {
        double T(int i) => Stats.Median(throughput[i]);
        double C(int i) => Stats.Median(create![i]);
        var md = new StringBuilder();
        md.Append("## Xeno.Network: guest networking (issue 10)\n\n");
        md.Append($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ");
        md.Append($"Other load on the machine (1-minute load average, /proc/loadavg) at the start, after each round and at the end: {string.Join(", ", loads)} ");
        md.Append($"({Environment.ProcessorCount} cores: above {Environment.ProcessorCount}, processes were waiting for a core; TCG guests are CPU-bound, so every figure here moves with that load).\n\n");

        if (parts.Contains("host"))
        {
            md.Append("### Guest-to-host TCP throughput over a bridge\n\n");
            md.Append("Method: one bridge of the run's own with the host at .1 of a private /24 (no outside interface). Each guest ");
            md.Append("(the kit's Debian kernel and busybox initramfs plus the kit kernel's mii, 8139cp and e1000 modules (QEMU's rtl8139 is an RTL8139C+, which 8139too refuses), 1 vCPU, 256 MiB, TCG) ");
            md.Append("gets one NIC on that bridge, loads the drivers, sets its address and pings the host; then it streams ");
            md.Append("`dd if=/dev/zero bs=65536 | nc <host> <port>` (busybox) to a TCP sink in the bench process, which drops the first ");
            md.Append($"{Warm.TotalSeconds:F0} s and counts the bytes of the next {Window.TotalSeconds:F0} s. \"bare QEMU\" is the very argument vector ");
            md.Append("xenod gave the Xeno pv guest of the same round (read from /proc/PID/cmdline; only the run directory, the tap name and the MAC ");
            md.Append("changed), started by hand with `ip tuntap add` + `ip link set master` on the same bridge, in a cgroup of its own beside xenod's with ");
            md.Append("the same CPU weight (xenod's subtree competes with the host's processes by the domain's weight as one group; a QEMU left in the bench's ");
            md.Append("cgroup would compete thread by thread, its busy vCPU and I/O threads each with a full weight): the limit Xeno's data path can reach. ");
            md.Append($"Two groups per round, {runs} round(s): the Xeno pv guest and its bare twin, then the three hvm guests; the guests of a group ");
            md.Append("run at the same time and stream at the same time (each to its own sink, the same warm-up and window), so each gets an equal ");
            md.Append("share of the loaded host's CPU and the ratios within a group compare data paths, not moments of the load. ");
            md.Append("Medians (MB/s = 10^6 bytes/s). Rows of different groups are not comparable: the group sizes differ. The kit has no iperf3, so the ");
            md.Append("guest's own dd and nc generate the traffic: under TCG the guest CPU, not the NIC path, bounds every row.\n\n");
            md.Append("| Variant | median MB/s | min | max |\n|---|---:|---:|---:|\n");
            for (int i = 0; i < Variants.Length; i++)
                if (throughput[i].Count > 0)
                    md.Append($"| {Variants[i].Label} | {Stats.F(T(i), 3)} | {Stats.F(throughput[i].Min(), 3)} | {Stats.F(throughput[i].Max(), 3)} |\n");
            md.Append("\n| Ratio (medians, same run) | value |\n|---|---:|\n");
            md.Append($"| **Xeno pv / bare QEMU (goal >= 0.95)** | {Stats.F(T(0) / T(1), 3)} |\n");
            if (throughput[4].Count > 0)
            {
                md.Append($"| hvm virtio / hvm e1000 (paravirtual against emulated) | {Stats.F(T(2) / T(3), 2)} |\n");
                md.Append($"| hvm virtio / hvm rtl8139 | {Stats.F(T(2) / T(4), 2)} |\n");
                md.Append($"| hvm e1000 / hvm rtl8139 | {Stats.F(T(3) / T(4), 2)} |\n");
            }

        }
        if (parts.Contains("guest"))
        {
            md.Append("\n### Guest-to-guest TCP throughput over the bridge\n\n");
            md.Append("Method: per round, two Xeno pv guests (virtio-net) and two bare QEMUs started from the very argument vector xenod gave ");
            md.Append("the second Xeno guest (as the guest-to-host bare row: run directory, tap and MAC changed; taps made by hand on the same bridge), ");
            md.Append("all four up at once. In each pair the receiver listens with busybox `nc -l` to /dev/null and the sender streams ");
            md.Append("`dd if=/dev/zero bs=65536 | nc <receiver> <port>`; both pairs stream at the same time. The host counts what the bridge ");
            md.Append($"hands the receiver (its tap's tx_bytes, frames with headers): the first {Warm.TotalSeconds:F0} s dropped, the next ");
            md.Append($"{Window.TotalSeconds:F0} s counted. {g2gXeno.Count} round(s) counted; medians (MB/s = 10^6 bytes/s).\n\n");
            md.Append("| Pair | median MB/s | min | max |\n|---|---:|---:|---:|\n");
            if (g2gXeno.Count > 0)
            {
                md.Append($"| Xeno pv -> Xeno pv | {Stats.F(Stats.Median(g2gXeno), 3)} | {Stats.F(g2gXeno.Min(), 3)} | {Stats.F(g2gXeno.Max(), 3)} |\n");
                md.Append($"| bare QEMU -> bare QEMU, the same argv | {Stats.F(Stats.Median(g2gBare), 3)} | {Stats.F(g2gBare.Min(), 3)} | {Stats.F(g2gBare.Max(), 3)} |\n");
                var paired = g2gXeno.Zip(g2gBare, (a, b) => a / b).ToList();
                md.Append($"\n| Ratio (same run) | value |\n|---|---:|\n");
                md.Append($"| **Xeno / bare, ratio of medians (goal >= 0.95)** | {Stats.F(Stats.Median(g2gXeno) / Stats.Median(g2gBare), 3)} |\n");
                md.Append($"| Xeno / bare, median of the per-round ratios ({string.Join(", ", paired.Select(v => Stats.F(v, 2)))}) | {Stats.F(Stats.Median(paired), 3)} |\n");
            }
            else
            {
                md.Append("| (no round completed) | n/a | n/a | n/a |\n");
            }

        }
        if (setUpCost is not null)
        {
            md.Append("\n### xenod's own cost per vif (in process)\n\n");
            md.Append("Method: in the bench process, the host side of a pv domain's 1 and 4 bridged vifs exactly as `xl create` makes it before QEMU ");
            md.Append("starts (`VifNetwork.SetUpAsync`: plans, a read of the host's interfaces, the `ip` commands through xenod's runner, the log), ");
            md.Append("then the very same `ip` argument vectors alone, back to back through the same runner (which of the two goes first alternates); each undone after, untimed. ");
            md.Append($"One warm-up round, then {setUpCost[0].SetUpMs.Count} round(s). No QEMU and no guest in the figure: only the host's load moves it.\n\n");
            md.Append("| vifs | ip commands | vif set-up in xenod, median ms | the ip commands alone | xenod's own work | per vif: set-up / own work |\n|---:|---:|---:|---:|---:|---:|\n");
            foreach (var row in setUpCost)
            {
                double setUp = Stats.Median(row.SetUpMs), alone = Stats.Median(row.CommandsMs);
                md.Append($"| {row.Vifs} | {row.Commands} | {Stats.F(setUp, 1)} | {Stats.F(alone, 1)} | {Stats.F(setUp - alone, 1)} | {Stats.F(setUp / row.Vifs, 1)} / {Stats.F((setUp - alone) / row.Vifs, 1)} |\n");
            }

        }
        if (create is not null)
        {
            md.Append("\n### `xl create` time per vif\n\n");
            md.Append("Method: `xl create -q` (in process, against the run's in-process xenod) of the same pv guest with 0, 1 and 4 bridged vifs, ");
            md.Append("timed until xl returns (config parsed, taps made and on the bridge, xenstore written, QEMU started and running); ");
            md.Append($"each guest is destroyed at once, untimed. One warm-up round, then {create[0].Count} round(s), the order rotating each round.\n\n");
            md.Append("| vifs | median ms | min | max |\n|---|---:|---:|---:|\n");
            int[] counts = [0, 1, 4];
            for (int j = 0; j < counts.Length; j++)
                md.Append($"| {counts[j]} | {Stats.F(C(j), 0)} | {Stats.F(create[j].Min(), 0)} | {Stats.F(create[j].Max(), 0)} |\n");
            md.Append($"\nAdded per vif (goal <= 50 ms): 1 vif {Stats.F(C(1) - C(0), 0)} ms; 4 vifs {Stats.F((C(2) - C(0)) / 4, 0)} ms each (median differences).\n");

        }
        if (parts.Contains("host"))
        {
            md.Append("\n### `xl network-attach` latency\n\n");
            md.Append($"Method: on the running Xeno pv guest of the last round, {attachXl.Count} attaches of a bridged vif, each detached again before the next. ");
            md.Append("Before each, the guest runs a loop that looks for the new MAC in /sys/class/net every 20 ms and prints a marker; the clock starts ");
            md.Append("with `xl network-attach` (in process) and stops when xl returns (tap made, netdev_add + device_add done, xenstore written) and when ");
            md.Append("the marker reaches the host over the console (the guest's ACPI hot-plug handler found the device and virtio-net bound to it).\n\n");
            md.Append("| Until | median ms | min | max |\n|---|---:|---:|---:|\n");
            md.Append($"| xl network-attach returns | {Stats.F(Stats.Median(attachXl), 0)} | {Stats.F(attachXl.DefaultIfEmpty(double.NaN).Min(), 0)} | {Stats.F(attachXl.DefaultIfEmpty(double.NaN).Max(), 0)} |\n");
            md.Append($"| **the guest sees the NIC** | {Stats.F(Stats.Median(attachSeen), 0)} | {Stats.F(attachSeen.DefaultIfEmpty(double.NaN).Min(), 0)} | {Stats.F(attachSeen.DefaultIfEmpty(double.NaN).Max(), 0)} |\n");
            md.Append("\nWhat the numbers mean: Xeno's data path is QEMU's own tap backend on a tap xenod made, so the Xeno/bare ratio ");
            md.Append("can only show what xenod costs beside it (its console hub and watches share the host's CPU with the guest); under TCG ");
            md.Append("the guest's emulated CPU (dd, nc and the TCP stack) bounds every row, which hides most of the difference between ");
            md.Append("the paravirtual and the emulated NICs that a host with KVM would show. The time until the guest sees a hot-plugged ");
            md.Append("NIC is mostly the guest's: QEMU signals the ACPI hot-plug event at once, the guest's kernel scans the slot and ");
            md.Append("binds the driver at its own pace.\n");
        }
        foreach (var f in failures)
            md.Append($"\nNot counted: {f}\n");
        return md.ToString();
    }

    private static int KillQemusUnder(string root)
    {
        int killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains("qemu-system", StringComparison.Ordinal) || !cmdline.Contains(root + "/", StringComparison.Ordinal)) continue;
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(10_000);
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
        return killed;
    }
}
