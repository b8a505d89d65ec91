using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Cli;

namespace Xeno.Engine.Bench;

/// <summary>What the fleet run starts: how many guests, of what size and type.</summary>
/// <param name="StaggerMs">pause between two creates (0: back to back)</param>
/// <param name="ReserveMiB">no further create while the host's MemAvailable is below this (the run then stops at fewer guests and says so)</param>
/// <param name="BusyXl">extra xl commands (e.g. "top -b -i 1") timed as whole processes with every guest running</param>
internal sealed record FleetSettings(int Guests, int MemoryMiB, string Type, int ListCalls,
    int StaggerMs = 0, int ReserveMiB = 2048, IReadOnlyList<string>? BusyXl = null);

/// <summary>
/// Many guests started back to back against one xenod running as its own process: the time for
/// the creates and until every guest's init is up, `xl list` latency with all of them running
/// (whole process, in-process, raw API), and xenod's resident memory per running guest read from
/// /proc from outside (no forced GC: what the host sees). Always destroys every guest it started.
/// </summary>
internal sealed class FleetBench(GuestKit kit, Programs programs, FleetSettings settings)
{
    private BenchXenod _xenod = null!;

    private string Prefix => _xenod.Prefix;

    private string Name(int i) => "g" + i.ToString("D2", CultureInfo.InvariantCulture);

    public async Task<string> RunAsync()
    {
        await using var xenod = await BenchXenod.StartAsync(programs, "xef-", "fleet");
        _xenod = xenod;
        return await MeasureAsync(xenod.Root, xenod.Process);
    }

    private async Task<string> MeasureAsync(string root, XenodProcess xenod)
    {
        int n = settings.Guests;
        var timeout = TimeSpan.FromSeconds(Math.Max(300, n * 15));
        string kernel = settings.Type == "pv" ? kit.Vmlinuz : kit.Vmlinux;
        string Config(string name)
        {
            var path = Path.Combine(root, name + ".cfg");
            File.WriteAllText(path, $"name=\"{name}\"\ntype=\"{settings.Type}\"\nmemory={settings.MemoryMiB}\nvcpus=1\n" +
                $"kernel=\"{kernel}\"\nramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell\"\n");
            return path;
        }
        var configs = Enumerable.Range(1, n).Select(i => Config(Name(i))).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var fresh = MemorySample.Read(xenod.Pid);

        // One guest through the whole cycle first, so one-time costs (JIT of the create, QMP and
        // list paths, Kestrel's buffers) are not charged to the fleet. Also the single-guest reference.
        Console.Error.WriteLine("fleet: warm-up guest");
        var warm = Stopwatch.StartNew();
        Create(Config("warm"));
        await ConsoleMarker.WaitAsync(ConsoleLog("warm"), timeout);
        double aloneSeconds = warm.Elapsed.TotalSeconds;
        MeasureList(3, expected: 1);
        Check(Xl("destroy", "warm"), "xl destroy warm");
        // The idle latencies come before the idle sample, so the list path's own warm-up and
        // garbage are in the baseline rather than charged to the guests.
        var idleList = MeasureList(settings.ListCalls, expected: 0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = MemorySample.Read(xenod.Pid);
        var handles = new List<(string When, int Guests, HandleSample Sample)> { ("idle baseline", 0, HandleSample.Read(xenod.Pid)) };

        Console.Error.WriteLine($"fleet: creating {n} guests back to back");
        var clock = Stopwatch.StartNew();
        var ready = new double[n];
        using var stopWatching = new CancellationTokenSource();
        bool createsDone = false;
        int created = 0;
        string? stoppedBecause = null;
        var watcher = Task.Run(() => WatchMarkers(ready, clock, timeout, () => Volatile.Read(ref createsDone), () => Volatile.Read(ref created), stopWatching.Token));
        var createMs = new List<double>();
        try
        {
            foreach (var cfg in configs)
            {
                // The host is shared: never push it into the OOM killer for a figure.
                long available = HostMemory.AvailableMiB();
                if (available < settings.ReserveMiB)
                {
                    stoppedBecause = F($"created {created} of {n}: the host's MemAvailable was {available} MiB, below the {settings.ReserveMiB} MiB reserve");
                    Console.Error.WriteLine("fleet: " + stoppedBecause);
                    break;
                }
                createMs.Add(Create(cfg));
                Volatile.Write(ref created, created + 1);
                if (created == n / 2)
                    handles.Add(("half of the creates done", SafeList().Count, HandleSample.Read(xenod.Pid)));
                if (settings.StaggerMs > 0)
                    await Task.Delay(settings.StaggerMs);
            }
            Volatile.Write(ref createsDone, true);
        }
        catch
        {
            await stopWatching.CancelAsync();
            throw;
        }
        double createTotal = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"fleet: {n} creates took {createTotal:F1} s; waiting for the markers");
        await watcher;
        var missing = Enumerable.Range(0, created).Where(i => double.IsNaN(ready[i])).Select(i => Diagnose(Name(i + 1))).ToList();
        if (stoppedBecause is not null)
            missing.Insert(0, stoppedBecause);
        foreach (var m in missing)
            Console.Error.WriteLine("fleet: no marker: " + m);
        double allReady = missing.Count == 0 ? ready.Max() : double.NaN;
        Console.Error.WriteLine($"fleet: {n - missing.Count} of {n} at the marker after {ready.Where(r => !double.IsNaN(r)).DefaultIfEmpty().Max():F1} s");

        await Task.Delay(TimeSpan.FromSeconds(2));
        var running = MemorySample.Read(xenod.Pid);
        handles.Add(("all guests running", SafeList().Count, HandleSample.Read(xenod.Pid)));
        var qemuPids = HostProcesses.QemusUnder(Prefix);
        if (qemuPids.Count == 0)
            throw new InvalidOperationException($"no QEMU process under {Prefix} with the fleet started");
        int domains = SafeList().Count;
        var qemus = qemuPids.Select(MemorySample.Read).ToList();
        var busyList = MeasureList(settings.ListCalls, expected: domains);
        var afterList = MemorySample.Read(xenod.Pid);
        var busyXl = (settings.BusyXl ?? []).Select(c => TimeXl(c, Math.Max(3, settings.ListCalls / 5))).ToList();

        Console.Error.WriteLine($"fleet: destroying {domains} guests");
        var destroy = Stopwatch.StartNew();
        foreach (var name in SafeList())
            Check(Xl("destroy", name), $"xl destroy {name}");
        double destroyTotal = destroy.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = MemorySample.Read(xenod.Pid);
        handles.Add(("all guests destroyed", SafeList().Count, HandleSample.Read(xenod.Pid)));
        var left = HostProcesses.QemusUnder(Prefix);
        if (left.Count > 0)
            throw new InvalidOperationException($"{left.Count} QEMU process(es) still running after xl destroy: {string.Join(' ', left)}");

        return new FleetReport(settings, programs, n)
        {
            Missing = missing,
            RunningGuests = domains,
            QemuCount = qemuPids.Count,
            AloneSeconds = aloneSeconds,
            CreateMs = createMs,
            CreateTotal = createTotal,
            Ready = ready,
            AllReady = allReady,
            DestroyTotal = destroyTotal,
            IdleList = idleList,
            BusyList = busyList,
            Fresh = fresh,
            Idle = idle,
            Running = running,
            AfterList = afterList,
            After = after,
            Qemus = qemus,
            Handles = handles,
            BusyXl = busyXl,
            StaggerMs = settings.StaggerMs,
            Load = HostMemory.LoadAverage(),
        }.Markdown();
    }

    private string ConsoleLog(string name) => _xenod.ConsoleLog(name);

    /// <summary>
    /// Notes when each guest's marker first shows (seconds on the fleet's clock; NaN: never). Gives
    /// up at the timeout, or when no new marker has shown for <see cref="Stall"/> after the creates.
    /// </summary>
    private async Task WatchMarkers(double[] ready, Stopwatch clock, TimeSpan timeout, Func<bool> createsDone, Func<int> created, CancellationToken cancel)
    {
        Array.Fill(ready, double.NaN);
        var pending = Enumerable.Range(0, ready.Length).ToHashSet();
        var lastProgress = clock.Elapsed;
        while (pending.Count > 0 && !cancel.IsCancellationRequested)
        {
            // Creates stopped early (host memory): the guests never created are not waited for.
            if (createsDone())
                pending.RemoveWhere(i => i >= created());
            foreach (var i in pending.Where(i => i < created()).ToList())
            {
                if (ConsoleMarker.Seen(ConsoleLog(Name(i + 1))))
                {
                    ready[i] = clock.Elapsed.TotalSeconds;
                    lastProgress = clock.Elapsed;
                    pending.Remove(i);
                }
            }
            if (!createsDone())
                lastProgress = clock.Elapsed;
            if (clock.Elapsed > timeout || clock.Elapsed - lastProgress > Stall)
            {
                Console.Error.WriteLine($"fleet: {pending.Count} guest(s) without {ConsoleMarker.Text} after {clock.Elapsed.TotalSeconds:F0} s: " +
                    string.Join(' ', pending.Select(i => Name(i + 1))));
                return;
            }
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(3);

    /// <summary>What can be seen of a guest that never showed its marker: its state, console, xenod's log.</summary>
    private string Diagnose(string name)
    {
        var list = Xl("list").Out.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        var state = list is null ? "not in xl list" : string.Join(' ', list.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string console;
        try
        {
            using var f = new FileStream(ConsoleLog(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var lines = new StreamReader(f).ReadToEnd().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            console = lines.Count == 0 ? "(empty)" : string.Join(" / ", lines.TakeLast(3));
        }
        catch (IOException)
        {
            console = "(no log)";
        }
        var daemon = File.ReadLines(Path.Combine(Prefix, "var/log/xeno/xenod.log"))
            .Where(l => l.Contains($"({name})", StringComparison.Ordinal)).TakeLast(2);
        return $"{name}: {state}; console: {console}; xenod.log: {string.Join(" / ", daemon)}";
    }

    /// <summary>`xl list` three ways, interleaved: a whole xl process, xl in-process, the bare API call.</summary>
    private ListLatency MeasureList(int calls, int expected)
    {
        var latency = new ListLatency();
        for (int i = 0; i < calls; i++)
        {
            var proc = Xl("list");
            Check(proc, "xl list");
            int rows = proc.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (rows != expected + 2) // the header and Domain-0
                throw new InvalidOperationException($"xl list printed {rows} lines, expected {expected + 2}:\n{proc.Out}");
            latency.Process.Add(proc.Milliseconds);

            var sw = Stopwatch.StartNew();
            var err = new StringWriter();
            if (XlMain.Run(["list"], TextWriter.Null, err, Prefix) != 0)
                throw new InvalidOperationException($"in-process xl list failed: {err}");
            latency.InProcess.Add(sw.Elapsed.TotalMilliseconds);

            sw.Restart();
            int count = ApiProbe.ListDomains(_xenod.Socket);
            latency.Api.Add(sw.Elapsed.TotalMilliseconds);
            if (count != expected)
                throw new InvalidOperationException($"GET /v1/domains listed {count} domains, expected {expected}");
        }
        return latency;
    }

    /// <summary>An extra xl command timed with every guest running (the hook for `xl top -b -i 1`); a failure is reported, not thrown.</summary>
    private BusyXlTiming TimeXl(string command, int calls)
    {
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var times = new List<double>();
        for (int i = 0; i < calls; i++)
        {
            var r = Xl(args);
            if (r.Exit != 0)
                return new BusyXlTiming(command, times, F($"exit {r.Exit}: {r.Err.Trim()}"));
            times.Add(r.Milliseconds);
        }
        return new BusyXlTiming(command, times, null);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private double Create(string cfg)
    {
        var r = Xl("create", "-q", cfg);
        Check(r, $"xl create {cfg}");
        return r.Milliseconds;
    }

    private HostProcesses.Result Xl(params string[] args) => _xenod.Xl(args);

    private static void Check(HostProcesses.Result r, string what) => BenchXenod.Check(r, what);

    private List<string> SafeList() => _xenod.SafeList();
}

/// <summary>Milliseconds per call, by the way `xl list` was made.</summary>
internal sealed class ListLatency
{
    public List<double> Process { get; } = [];
    public List<double> InProcess { get; } = [];
    public List<double> Api { get; } = [];
}
