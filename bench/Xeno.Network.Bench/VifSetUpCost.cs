using System.Diagnostics;
using Xeno.Config.Domain;
using Xeno.Config.Specs;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Network;
using Xeno.Network.Host;

namespace Xeno.Network.Bench;

/// <summary>
/// What a vif costs xenod itself, without QEMU's start in the figure: in this process, the host
/// side of a pv domain's N bridged vifs exactly as xl create makes it (<see cref="VifNetwork"/>:
/// plans, a read of the host's interfaces, the ip commands, the log) against the very same ip
/// argument vectors run alone, back to back, through the same runner. The difference is Xeno's
/// own work; the commands alone are the floor of doing it with processes. Undone after each
/// measurement, untimed.
/// </summary>
internal static class VifSetUpCost
{
    public sealed record Row(int Vifs, int Commands, List<double> SetUpMs, List<double> CommandsMs);

    public static async Task<IReadOnlyList<Row>> MeasureAsync(BenchBridge bridge, int rounds)
    {
        var log = new EngineLog(null, TimeProvider.System);
        var network = new VifNetwork(log, HostCommandRunner.Instance);
        var runner = HostCommandRunner.Instance;
        int[] counts = [1, 4];
        var rows = counts.Select(c => new Row(c, 0, [], [])).ToArray();
        for (int r = -1; r < rounds; r++) // round -1 warms the paths up, not counted
        {
            for (int j = 0; j < counts.Length; j++)
            {
                var d = NewDomain(bridge, counts[j]);
                // Which goes first alternates, so a change of the host's load between the two is not always on one side.
                double setUp, alone;
                int commands;
                if (r % 2 == 0)
                {
                    setUp = await SetUpOnceAsync(network, d);
                    (alone, commands) = await CommandsOnceAsync(runner, d);
                }
                else
                {
                    (alone, commands) = await CommandsOnceAsync(runner, d);
                    setUp = await SetUpOnceAsync(network, d);
                }
                if (r < 0) continue;
                rows[j] = rows[j] with { Commands = commands };
                rows[j].SetUpMs.Add(setUp);
                rows[j].CommandsMs.Add(alone);
            }
        }
        return rows;
    }

    /// <summary>VifNetwork's set-up of the domain's vifs, timed; its teardown untimed.</summary>
    private static async Task<double> SetUpOnceAsync(VifNetwork network, Domain d)
    {
        var sw = Stopwatch.StartNew();
        var effects = await network.SetUpAsync(d);
        double ms = sw.Elapsed.TotalMilliseconds;
        await network.TearDownAsync(d, effects);
        return ms;
    }

    /// <summary>The same ip argument vectors alone, timed; their undo untimed.</summary>
    private static async Task<(double Ms, int Commands)> CommandsOnceAsync(HostCommandRunner runner, Domain d)
    {
        var facts = HostFactsReader.Read();
        var actions = VifNetwork.Plans(d.Spec, d.Domid).SelectMany(p => VifHostActions.For(p, facts)).ToList();
        var sw = Stopwatch.StartNew();
        foreach (var a in actions)
            await runner.CheckAsync(a.Command);
        double ms = sw.Elapsed.TotalMilliseconds;
        foreach (var undo in actions.Select(a => a.Undo).OfType<IReadOnlyList<string>>().Reverse())
            await runner.CheckAsync(undo);
        return (ms, actions.Count);
    }

    /// <summary>A pv domain (never started) with <paramref name="vifs"/> vifs on the bridge, taps named for the run's clean-up.</summary>
    private static Domain NewDomain(BenchBridge bridge, int vifs)
    {
        var list = Enumerable.Range(0, vifs).Select(k =>
        {
            var parsed = VifSpecParser.Parse($"bridge={bridge.Name},vifname=xbt{bridge.Tag}v{k}");
            return DomainVifMapping.From(parsed.Value!, new VifDefaults(), k, "vif", Random.Shared);
        }).ToList();
        var spec = new DomainSpec
        {
            Name = "vifcost", Kind = DomainKind.Pv, Uuid = Guid.NewGuid(), MemoryMiB = 64, MaxMemMiB = 64, Vcpus = 1, MaxVcpus = 1,
            Vifs = list,
        };
        return new Domain(900, spec, new EnginePaths("/nonexistent").FilesFor(900, spec.Name), DateTimeOffset.UnixEpoch);
    }
}
