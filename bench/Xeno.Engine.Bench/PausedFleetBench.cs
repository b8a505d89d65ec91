using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Xeno.Engine.Bench;

/// <summary>
/// `xl list` and `xl top -b -i 1` latency with many domains, on a host that cannot give each of
/// them a booted TCG guest while shared: every domain (hvm, no kernel, one small sparse disk) is
/// created with `xl create -p`, so xenod does all its per-domain work (QEMU process started with
/// -S, QMP session, console hub, xenstore nodes, cgroup, runtime record) but no vCPU ever runs
/// (not even the firmware), and QEMU touches little of the guest's RAM. What list and top ask per
/// domain (the record, QMP block statistics, /proc CPU time) is the same for a paused
/// domain; what is missing is the CPU the booted guests themselves would take from the host.
/// xenod and xl are real processes (<see cref="XenodProcess"/>, <see cref="Programs"/>).
/// </summary>
internal sealed class PausedFleetBench(Programs programs, int guests, int memoryMiB, int calls, int reserveMiB)
{
    private BenchXenod _xenod = null!;

    private string Prefix => _xenod.Prefix;

    private const int DiskMiB = 64;

    private static string Name(int i) => "p" + i.ToString("D3", CultureInfo.InvariantCulture);

    private string Socket => _xenod.Socket;

    public async Task<string> RunAsync()
    {
        await using var xenod = await BenchXenod.StartAsync(programs, "xepf-", "paused fleet");
        _xenod = xenod;
        return await MeasureAsync(xenod.Root, xenod.Process);
    }


    private sealed class Latency
    {
        public List<double> List { get; } = [];
        public List<double> Top { get; } = [];
        public List<double> ApiDomains { get; } = [];
        public List<double> ApiStatistics { get; } = [];
    }

    private async Task<string> MeasureAsync(string root, XenodProcess xenod)
    {
        string Config(string name)
        {
            var path = Path.Combine(root, name + ".cfg");
            // Its own small sparse disk, so xl top has block statistics to ask QEMU for.
            var disk = Path.Combine(root, name + ".raw");
            using (var f = File.Create(disk))
                f.SetLength(DiskMiB << 20);
            File.WriteAllText(path, $"name=\"{name}\"\ntype=\"hvm\"\nmemory={memoryMiB}\nvcpus=1\nvnc=0\n" +
                $"disk=['format=raw,vdev=xvda,access=rw,target={disk}']\n");
            return path;
        }
        string load0 = HostMemory.LoadAverage();

        // One domain through the whole cycle first: one-time costs (JIT, first QMP session) are not charged to the fleet.
        Check(Xl("create", "-q", "-p", Config("warm")), "xl create -p warm");
        Measure(3, ["warm"]);
        Check(Xl("destroy", "warm"), "xl destroy warm");
        var idle = Measure(calls, []);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idleMemory = MemorySample.Read(xenod.Pid);

        Console.Error.WriteLine($"paused fleet: creating {guests} paused domains");
        var createMs = new List<double>();
        var names = new List<string>();
        string? stopped = null;
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= guests; i++)
        {
            long available = HostMemory.AvailableMiB();
            if (available < reserveMiB)
            {
                stopped = F($"created {names.Count} of {guests}: the host's MemAvailable was {available} MiB, below the {reserveMiB} MiB reserve");
                break;
            }
            var r = Xl("create", "-q", "-p", Config(Name(i)));
            Check(r, $"xl create -p {Name(i)}");
            createMs.Add(r.Milliseconds);
            names.Add(Name(i));
        }
        double createTotal = clock.Elapsed.TotalSeconds;
        // Every one of them is there and paused, as xl list shows it.
        var rows = Xl("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        int paused = rows.Count(f => f.Length >= 5 && f[4].Contains('p', StringComparison.Ordinal));
        if (paused != names.Count)
            throw new InvalidOperationException($"xl list shows {paused} paused domains, created {names.Count}");
        int qemus = HostProcesses.QemusUnder(Prefix).Count;
        var qemuRss = HostProcesses.QemusUnder(Prefix).Select(p => MemorySample.Read(p).RssKiB / 1024.0).ToList();

        var busy = Measure(calls, names);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var busyMemory = MemorySample.Read(xenod.Pid);
        var handles = HandleSample.Read(xenod.Pid);

        var destroy = Stopwatch.StartNew();
        foreach (var name in names)
            Check(Xl("destroy", name), $"xl destroy {name}");
        double destroyTotal = destroy.Elapsed.TotalSeconds;
        if (HostProcesses.QemusUnder(Prefix).Count is var left && left > 0)
            throw new InvalidOperationException($"{left} QEMU process(es) still running after xl destroy");
        string load1 = HostMemory.LoadAverage();

        int n = names.Count;
        var md = new StringBuilder();
        md.Append(F($"## `xl list` and `xl top` with {n} domains (created paused)\n\n"));
        md.Append(F($"Method: xenod as its own process and every command a real `xl` process ({programs.Description}). {n} hvm domains ({memoryMiB} MiB, 1 vCPU, no kernel, each with its own {DiskMiB} MiB sparse raw disk as xvda) are created one after the other with `xl create -q -p`: each is a real QEMU process started with -S, with its QMP session, console hub, xenstore nodes, cgroup and runtime record in xenod, but no guest code ever runs, not even the firmware, so QEMU touches little of the guest's RAM. This is what was measured instead of {n} booted guests: a booted TCG guest keeps about 245 MiB of QEMU resident and a share of the 2 cores (the 100-guest run above needed about 17 GiB and the host to itself), too much for a host shared with other work. `xl list` and `xl top -b -i 1` ask xenod the same things for a paused domain as for a running one (the records; QMP query-blockstats for the disks; CPU time from /proc; these domains have no network interfaces, whose counters xenod reads from their taps), so the rows below are the toolstack's own cost with {n} domains; they leave out the CPU that {n} running guests would take from the host, which under TCG dominates every latency (see the 100-running figures above). Each row: {calls} calls, the four kinds interleaved; `GET /v1/domains` and `GET /v1/statistics` are the raw API calls behind `xl list` and `xl top`, on a fresh connection to xenod's socket.\n\n"));
        md.Append(F($"| Call (ms) | idle: median | idle: p90 | {n} paused: median | {n} paused: p90 | {n} paused / idle, median |\n|---|---:|---:|---:|---:|---:|\n"));
        void Row(string what, List<double> a, List<double> b) =>
            md.Append(F($"| {what} | {Stats.Median(a):F1} | {Stats.Percentile(a, 90):F1} | {Stats.Median(b):F1} | {Stats.Percentile(b, 90):F1} | {Stats.Median(b) / Stats.Median(a):F1} |\n"));
        Row("`xl list`, whole process", idle.List, busy.List);
        Row("**`xl top -b -i 1`, whole process**", idle.Top, busy.Top);
        Row("raw `GET /v1/domains`", idle.ApiDomains, busy.ApiDomains);
        Row("raw `GET /v1/statistics`", idle.ApiStatistics, busy.ApiStatistics);
        md.Append(F($"\n| {n} paused domains | value |\n|---|---:|\n"));
        md.Append(F($"| {n} × `xl create -p`, total s | {createTotal:F1} |\n"));
        md.Append(F($"| one `xl create -p`, median / p90 ms | {Stats.Median(createMs):F0} / {Stats.Percentile(createMs, 90):F0} |\n"));
        md.Append(F($"| {n} × `xl destroy`, total s | {destroyTotal:F1} |\n"));
        md.Append(F($"| QEMU processes running | {qemus} |\n"));
        md.Append(F($"| QEMU RSS per paused domain, median MiB | {Stats.Median(qemuRss):F1} |\n"));
        md.Append(F($"| xenod RSS: idle → {n} paused, MiB | {idleMemory.RssKiB / 1024.0:F1} → {busyMemory.RssKiB / 1024.0:F1} |\n"));
        md.Append(F($"| xenod RSS growth per domain, MiB (goal < 2) | {(busyMemory.RssKiB - idleMemory.RssKiB) / 1024.0 / n:F2} |\n"));
        md.Append(F($"| xenod fds / threads with {n} domains | {handles.Fds} / {handles.Threads} |\n"));
        if (stopped is not null)
            md.Append(F($"\nStopped early: {stopped}.\n"));
        md.Append(F($"\n(Host load average at the start: {load0}; at the end: {load1}.)\n"));
        return md.ToString();
    }

    /// <summary>The four calls, interleaved, <paramref name="count"/> times; checks each answer names every domain.</summary>
    private Latency Measure(int count, List<string> names)
    {
        var l = new Latency();
        for (int i = 0; i < count; i++)
        {
            var list = Xl("list");
            Check(list, "xl list");
            if (list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < names.Count + 2)
                throw new InvalidOperationException($"xl list printed fewer than {names.Count + 2} lines");
            l.List.Add(list.Milliseconds);

            var top = Xl("top", "-b", "-i", "1");
            Check(top, "xl top -b -i 1");
            if (names.FirstOrDefault(n => !top.Out.Contains(n, StringComparison.Ordinal)) is { } missing)
                throw new InvalidOperationException($"xl top -b -i 1 does not show {missing}:\n{top.Out}");
            l.Top.Add(top.Milliseconds);

            var sw = Stopwatch.StartNew();
            int domains = ApiProbe.ListDomains(Socket);
            l.ApiDomains.Add(sw.Elapsed.TotalMilliseconds);
            if (domains != names.Count)
                throw new InvalidOperationException($"GET /v1/domains listed {domains} domains, expected {names.Count}");

            sw.Restart();
            ApiProbe.Get(Socket, "/v1/statistics");
            l.ApiStatistics.Add(sw.Elapsed.TotalMilliseconds);
        }
        return l;
    }

    private HostProcesses.Result Xl(params string[] args) => _xenod.Xl(args);

    private static void Check(HostProcesses.Result r, string what) => BenchXenod.Check(r, what);

    private List<string> SafeList() => _xenod.SafeList();

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
