using Xeno.Engine.Bench;
using Xeno.Xl.Bench.Interop;

namespace Xeno.Xl.Bench;

/// <summary>Whole-process `xl list` times (ms) of each xl build in one scenario.</summary>
internal sealed record RaceResult(string Scenario, int Domains, Dictionary<string, List<double>> Ms, Dictionary<string, List<double>> CpuMs,
    List<double> FloorMs, List<double> ApiMs);

/// <summary>
/// Races the xl builds on `xl list`: each round runs every build once, the order alternating from
/// round to round so a slow moment of the host is not charged to one build. Each run is a real
/// process, timed from start to exit (what a shell or a management script waits for), and its
/// output is checked (the header, Domain-0 and one row per domain); its CPU time (user + system,
/// from getrusage of the reaped child) is kept beside the wall-clock time. `/bin/true` started the same
/// way is the floor: what starting any process costs through this harness; the bare
/// GET /v1/domains from the bench process is xenod's share (connect, answer, close).
/// </summary>
internal static class ListRace
{
    public static RaceResult Run(string scenario, IReadOnlyList<XlBuild> builds, string prefix, int domains, int rounds)
    {
        var ms = builds.ToDictionary(b => b.Label, _ => new List<double>());
        var cpu = builds.ToDictionary(b => b.Label, _ => new List<double>());
        var floor = new List<double>();
        var api = new List<double>();
        var socket = Path.Combine(prefix, "run/xeno/xenod.sock");
        // One untimed run each: the page cache holds the binaries, as it does on a host in use.
        foreach (var b in builds) Check(b, prefix, domains);
        for (int round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? builds : builds.Reverse().ToList();
            foreach (var b in order)
            {
                double before = ChildCpu.Milliseconds();
                ms[b.Label].Add(Check(b, prefix, domains));
                cpu[b.Label].Add(ChildCpu.Milliseconds() - before);
            }
            floor.Add(HostProcesses.Run("/bin/true").Milliseconds);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            int listed = ApiProbe.ListDomains(socket);
            api.Add(sw.Elapsed.TotalMilliseconds);
            if (listed != domains)
                throw new InvalidOperationException($"GET /v1/domains listed {listed} domains, expected {domains}");
        }
        return new RaceResult(scenario, domains, ms, cpu, floor, api);
    }

    private static double Check(XlBuild build, string prefix, int domains)
    {
        var r = HostProcesses.Run(build.Executable, "--prefix", prefix, "list");
        if (r.Exit != 0)
            throw new InvalidOperationException($"{build.Label} xl list failed ({r.Exit}): {r.Err}");
        int rows = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        if (rows != domains + 2)
            throw new InvalidOperationException($"{build.Label} xl list printed {rows} lines, expected {domains + 2}:\n{r.Out}");
        return r.Milliseconds;
    }
}
