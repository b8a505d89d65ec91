using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Engine.Bench;

namespace Xeno.Migration.Bench;

/// <summary>
/// xl save and xl restore of a running guest against bare QEMU doing the same: stop, then
/// `migrate exec:cat &gt; file`; and a new QEMU with -incoming defer reading it back
/// (`migrate-incoming exec:cat file`) and running. Restore times include starting QEMU on both sides.
/// </summary>
internal static class SaveRestoreBench
{
    private sealed record Samples(List<double> Save, List<double> Restore, List<double> FileMiB)
    {
        public Samples() : this([], [], []) { }
    }

    public static async Task<string> RunAsync(GuestKit kit, int runs, string root, IReadOnlyList<int> sizesMiB)
    {
        var rows = new List<(int MiB, Samples Xeno, Samples Bare)>();
        foreach (var mib in sizesMiB)
        {
            var xeno = await XenoAsync(kit, runs, Path.Combine(root, $"xs{mib}"), mib);
            var bare = await BareAsync(kit, runs, Path.Combine(root, $"bs{mib}"), mib);
            rows.Add((mib, xeno, bare));
            Console.Error.WriteLine($"save/restore {mib} MiB: xeno {Figures.All(xeno.Save)} / {Figures.All(xeno.Restore)} ms, bare {Figures.All(bare.Save)} / {Figures.All(bare.Restore)} ms");
        }
        var md = new StringBuilder();
        md.Append("## Save and restore: xl save / xl restore against bare QEMU\n\n");
        md.Append(CultureInfo.InvariantCulture, $"One idle pv guest of the kit per size, 1 vCPU (TCG), saved and restored {runs} time(s) in a row; ");
        md.Append("medians (every run in brackets), wall-clock milliseconds of the whole command. Xeno: `xl save <dom> <file>` ");
        md.Append("(stop, header and records, QEMU's stream appended by `migrate exec:cat >>`, domain destroyed) and ");
        md.Append("`xl restore <file>` (checks, new domain, QEMU started with -incoming defer, stream read, running). ");
        md.Append("Bare QEMU, same argument vector: `stop` + `migrate exec:cat > file` until completed; then a new QEMU ");
        md.Append("started with -incoming defer, `migrate-incoming exec:cat file` until completed, `cont`. ");
        md.Append("The file is mostly QEMU's stream; an idle guest's untouched RAM is sent as zero pages, so its size follows what the guest used.\n\n");
        md.Append("| Guest memory | Save Xeno (ms) | Save bare QEMU (ms) | Ratio | Restore Xeno (ms) | Restore bare QEMU (ms) | Ratio | File Xeno / bare (MiB) |\n");
        md.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var (mib, x, b) in rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {mib} MiB | {Figures.Cell(x.Save)} | {Figures.Cell(b.Save)} | {Figures.Ratio(x.Save, b.Save)} " +
                $"| {Figures.Cell(x.Restore)} | {Figures.Cell(b.Restore)} | {Figures.Ratio(x.Restore, b.Restore)} " +
                $"| {Figures.Median(x.FileMiB):F1} / {Figures.Median(b.FileMiB):F1} |\n");
        }
        md.Append('\n');
        return md.ToString();
    }

    private static async Task<Samples> XenoAsync(GuestKit kit, int runs, string root, int mib)
    {
        var samples = new Samples();
        await using var host = await XenoHost.StartAsync(root);
        const string name = "sr";
        try
        {
            await host.CreateAsync(name, mib, kit);
            for (int r = 0; r < runs; r++)
            {
                var file = Path.Combine(root, $"save{r}");
                var sw = Stopwatch.StartNew();
                host.Must("save", name, file);
                samples.Save.Add(sw.Elapsed.TotalMilliseconds);
                samples.FileMiB.Add(new FileInfo(file).Length / 1048576.0);
                sw.Restart();
                host.Must("restore", file);
                samples.Restore.Add(sw.Elapsed.TotalMilliseconds);
                File.Delete(file);
            }
        }
        finally
        {
            host.Xl("destroy", name);
        }
        return samples;
    }

    private static async Task<Samples> BareAsync(GuestKit kit, int runs, string root, int mib)
    {
        var samples = new Samples();
        var source = await BareQemu.StartAsync(Path.Combine(root, "q0"), mib, kit, incoming: false);
        try
        {
            await ConsoleMarker.WaitAsync(source.Files.ConsoleLog, TimeSpan.FromMinutes(5));
            for (int r = 1; r <= runs; r++)
            {
                var file = Path.Combine(root, $"save{r}");
                var sw = Stopwatch.StartNew();
                await source.Qmp.StopAsync();
                await source.MigrateAsync($"exec:cat > {file}");
                await source.WaitMigrationAsync(TimeSpan.FromMinutes(10));
                samples.Save.Add(sw.Elapsed.TotalMilliseconds);
                samples.FileMiB.Add(new FileInfo(file).Length / 1048576.0);
                await source.DisposeAsync();

                sw.Restart();
                source = await BareQemu.StartAsync(Path.Combine(root, $"q{r}"), mib, kit, incoming: true);
                await source.MigrateIncomingAsync($"exec:cat {file}");
                await source.WaitMigrationAsync(TimeSpan.FromMinutes(10));
                await source.Qmp.ContinueAsync();
                samples.Restore.Add(sw.Elapsed.TotalMilliseconds);
                File.Delete(file);
            }
        }
        finally
        {
            await source.DisposeAsync();
        }
        return samples;
    }
}
