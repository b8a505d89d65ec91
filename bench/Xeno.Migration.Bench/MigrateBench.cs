using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xeno.Engine.Bench;

namespace Xeno.Migration.Bench;

/// <summary>
/// Live migration of one 512 MiB guest, idle and dirtying memory: `xl migrate` to localhost (QEMU's
/// stream through xl's channel to a second xl and the incoming QEMU, then Xen's hand-over) against
/// bare QEMU migrating the same argument vector straight over a unix socket. The guest is booted
/// once per side and moved back and forth <c>runs</c> times.
/// </summary>
internal static class MigrateBench
{
    public const int MemoryMiB = 512;

    /// <summary>Rewrites 32 MiB of the guest's RAM (its initramfs root) once a second.</summary>
    private const string DirtyCommand =
        "(while :; do dd if=/dev/zero of=/tmp/dirty bs=1M count=32 conv=notrunc 2>/dev/null; sleep 1; done) </dev/null >/dev/null 2>&1 &";

    private static readonly Regex XlFigures = new(@"downtime (\d+) ms, total time (\d+) ms \(QEMU's stream (\d+) ms.*; stream sent after (\d+) ms\)");

    /// <param name="HandOver">xl's total less the time its xenod's send took: Xen's hand-over after the stream (Xeno only).</param>
    private sealed record Samples(List<double> Downtime, List<double> Total, List<double> Stream, List<double> Wall, List<double> HandOver)
    {
        public Samples() : this([], [], [], [], []) { }
    }

    public static async Task<string> RunAsync(GuestKit kit, int runs, string root)
    {
        var rows = new List<(string Workload, Samples Xeno, Samples Bare)>();
        foreach (var (workload, command) in new[] { ("idle", (string?)null), ("dirtying 32 MiB/s", DirtyCommand) })
        {
            var tag = command is null ? "idle" : "dirty";
            var xeno = await XenoAsync(kit, runs, Path.Combine(root, "x-" + tag), command);
            var bare = await BareAsync(kit, runs, Path.Combine(root, "b-" + tag), command);
            rows.Add((workload, xeno, bare));
            Console.Error.WriteLine($"migrate {workload}: xeno downtime {Figures.All(xeno.Downtime)} ms, bare {Figures.All(bare.Downtime)} ms");
        }

        var md = new StringBuilder();
        md.Append("## Live migration: xl migrate against bare QEMU\n\n");
        md.Append(CultureInfo.InvariantCulture, $"One pv guest of the kit, {MemoryMiB} MiB, 1 vCPU (TCG), booted once per side and moved ");
        md.Append(CultureInfo.InvariantCulture, $"{runs} time(s) back and forth on this host; medians (every run in brackets). ");
        md.Append("Xeno: `xl migrate -s <receiver> <dom> localhost`, the receiver being this build's `xl migrate-receive` ");
        md.Append("on the same xenod: each xl hands its end of the channel (the -s command's pipes) to xenod and QEMU, so QEMU's ");
        md.Append("stream goes QEMU → pipe → incoming QEMU with no copy through xl; then Xen's hand-over (ready, rename, ");
        md.Append("permission, rename, unpause); xl's total runs from the stream's start to the target's report. ");
        md.Append("Bare QEMU: the same argument vector (QemuCommandLine), ");
        md.Append("`migrate-incoming unix:` on a second QEMU and `migrate unix:` on the first, nothing in between. Both with ");
        md.Append("QEMU 7.2's defaults (downtime limit 300 ms, bandwidth 128 MiB/s). Downtime is QEMU's own figure ");
        md.Append("(query-migrate `downtime`: the stop-and-copy); Xeno's guest also stays paused during the hand-over ");
        md.Append("after it: the hand-over column, xl's total less the time until its xenod answered the send (QEMU's end seen, ");
        md.Append("then the target's ready, the permission, the target's rename and unpause, its report). ");
        md.Append("The dirtying guest rewrites 32 MiB of its RAM once a second (`dd` into its initramfs root).\n\n");
        md.Append("| Workload | Downtime Xeno (ms) | Downtime bare QEMU (ms) | Ratio | Total xl migrate (ms) | QEMU's stream in Xeno (ms) | Hand-over in Xeno (ms) | Total bare QEMU (ms) | Ratio (total) | Ratio (stream) |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var (workload, x, b) in rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {workload} | {Figures.Cell(x.Downtime)} | {Figures.Cell(b.Downtime)} | {Figures.Ratio(x.Downtime, b.Downtime)} " +
                $"| {Figures.Cell(x.Total)} | {Figures.Ms(x.Stream)} | {Figures.Cell(x.HandOver)} | {Figures.Cell(b.Stream)} " +
                $"| {Figures.Ratio(x.Total, b.Stream)} | {Figures.Ratio(x.Stream, b.Stream)} |\n");
        }
        md.Append('\n');
        return md.ToString();
    }

    private static async Task<Samples> XenoAsync(GuestKit kit, int runs, string root, string? command)
    {
        var samples = new Samples();
        await using var host = await XenoHost.StartAsync(root);
        const string name = "mig";
        try
        {
            await host.CreateAsync(name, MemoryMiB, kit);
            if (command is not null)
                await GuestConsole.TypeAsync(host.ConsoleSocket(name), command);
            for (int r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                var err = host.Must("migrate", "-s", host.Receiver, name, "localhost");
                sw.Stop();
                var m = XlFigures.Match(err);
                if (!m.Success)
                    throw new InvalidOperationException("no figures in xl migrate's output:\n" + err);
                samples.Downtime.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                samples.Total.Add(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                samples.Stream.Add(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
                samples.HandOver.Add(samples.Total[^1] - double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
                samples.Wall.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            host.Xl("destroy", name);
        }
        return samples;
    }

    private static async Task<Samples> BareAsync(GuestKit kit, int runs, string root, string? command)
    {
        var samples = new Samples();
        var source = await BareQemu.StartAsync(Path.Combine(root, "q0"), MemoryMiB, kit, incoming: false);
        try
        {
            await ConsoleMarker.WaitAsync(source.Files.ConsoleLog, TimeSpan.FromMinutes(5));
            if (command is not null)
                await source.TypeAsync(command);
            for (int r = 1; r <= runs; r++)
            {
                var target = await BareQemu.StartAsync(Path.Combine(root, $"q{r}"), MemoryMiB, kit, incoming: true);
                var uri = "unix:" + Path.Combine(root, $"m{r}.sock");
                await target.MigrateIncomingAsync(uri);
                var sw = Stopwatch.StartNew();
                await source.MigrateAsync(uri);
                var reply = await source.WaitMigrationAsync(TimeSpan.FromMinutes(10));
                await target.WaitMigrationAsync(TimeSpan.FromMinutes(1));
                sw.Stop();
                samples.Downtime.Add(At(reply, "downtime"));
                samples.Stream.Add(At(reply, "total-time"));
                samples.Wall.Add(sw.Elapsed.TotalMilliseconds);
                await source.DisposeAsync();
                source = target;
            }
        }
        finally
        {
            await source.DisposeAsync();
        }
        return samples;
    }

    public static double At(JsonElement reply, string name) =>
        reply.TryGetProperty(name, out var v) && v.TryGetInt64(out long n) ? n : double.NaN;
}
