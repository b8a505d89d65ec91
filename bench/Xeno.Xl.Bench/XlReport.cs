using System.Globalization;
using System.Text;
using Xeno.Engine.Bench;

namespace Xeno.Xl.Bench;

/// <summary>The race's figures and the markdown section that explains them.</summary>
internal sealed class XlReport(XlBuilds builds, List<RaceResult> results, int runs, string loadBefore, string loadAfter, int fleet)
{
    /// <summary>The goal for a whole `xl list` process.</summary>
    private const double GoalMs = 20;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public string Markdown()
    {
        var md = new StringBuilder();
        md.Append("## xl start-up: `xl list` as a whole process, Native AOT vs ReadyToRun\n\n");
        md.Append("Method: one xenod (`xenod run --prefix P`, published ReadyToRun as scripts/setup installs it) serves every run. ");
        md.Append("xl is published twice from the same tree, the two ways scripts/lib/build.sh knows: Native AOT (`-p:PublishAot=true`, ");
        md.Append("what scripts/setup installs when clang and zlib are present) and ReadyToRun framework-dependent (its fallback). ");
        md.Append(F($"Each scenario runs {runs} rounds; a round runs `xl --prefix P list` once with each build, the order alternating "));
        md.Append("between rounds, then `/bin/true` as the floor (what starting any process costs through this harness: fork, exec, pipes) ");
        md.Append("and one bare `GET /v1/domains` from the bench process (fresh connection, HTTP/1.0, read to the close): xenod's share of a list. ");
        md.Append("Times are wall-clock from process start to exit as seen by the parent, and CPU time (user + system of the reaped child, getrusage), which on a crowded host shows the work apart from the wait for a core; every run's output is checked (header, ");
        md.Append("Domain-0, one row per domain). One untimed run of each build first (binaries in the page cache, as on a host in use). ");
        md.Append("Guests are the guest kit's kernel and initramfs (PVH, 112 MiB by default, 1 vCPU, TCG) and are listed only once their init is up.\n\n");
        if (builds.AotMissing is not null)
            md.Append($"**No Native AOT build in this run** ({builds.AotMissing}): only the ReadyToRun fallback is measured.\n\n");
        md.Append(F($"Host load (1-minute average) {loadBefore} at the start, {loadAfter} at the end, on {Environment.ProcessorCount} cores.\n\n"));

        md.Append("| scenario | xl build | median ms | p90 ms | min ms | CPU ms (median) |\n|---|---|---:|---:|---:|---:|\n");
        foreach (var r in results)
        {
            foreach (var (label, ms) in r.Ms)
                md.Append(F($"| {r.Scenario} | {label} | {Stats.Median(ms):F1} | {Stats.Percentile(ms, 90):F1} | {ms.Min():F1} | {Stats.Median(r.CpuMs[label]):F1} |\n"));
            md.Append(F($"| {r.Scenario} | (`/bin/true` floor) | {Stats.Median(r.FloorMs):F1} | {Stats.Percentile(r.FloorMs, 90):F1} | {r.FloorMs.Min():F1} | |\n"));
            md.Append(F($"| {r.Scenario} | (bare GET /v1/domains: xenod's share) | {Stats.Median(r.ApiMs):F1} | {Stats.Percentile(r.ApiMs, 90):F1} | {r.ApiMs.Min():F1} | |\n"));
        }
        md.Append('\n');

        foreach (var r in results)
        {
            if (!r.Ms.TryGetValue(XlBuilds.AotLabel, out var aot) || !r.Ms.TryGetValue(XlBuilds.ReadyToRunLabel, out var r2r)) continue;
            double a = Stats.Median(aot), b = Stats.Median(r2r);
            double ca = Stats.Median(r.CpuMs[XlBuilds.AotLabel]), cb = Stats.Median(r.CpuMs[XlBuilds.ReadyToRunLabel]);
            md.Append(F($"- {r.Scenario}: Native AOT median {a:F1} ms, {b / a:F1}x faster than ReadyToRun ({b:F1} ms); CPU {ca:F1} ms against {cb:F1} ms ({cb / ca:F1}x); "));
            md.Append(a <= GoalMs ? F($"meets the goal of <= {GoalMs:F0} ms.\n") : F($"misses the goal of <= {GoalMs:F0} ms.\n"));
        }
        if (fleet == 0)
        {
            md.Append("\nThe 50-guest scenario is heavy (50 QEMUs under TCG) and not part of the default run: ");
            md.Append("`dotnet run -c Release --project bench/Xeno.Xl.Bench -- --out xl.md --fleet 50`.\n");
        }
        return md.ToString();
    }
}
