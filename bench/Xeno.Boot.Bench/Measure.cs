using System.Diagnostics;

namespace Xeno.Boot.Bench;

/// <summary>Times an action: one cold call, then several warm ones; reports median and minimum.</summary>
internal readonly record struct Timing(double ColdMs, double MedianMs, double MinMs, int Runs)
{
    /// <param name="before">Untimed preparation before every call (e.g. removing the previous call's output files).</param>
    public static Timing Of(Action action, int runs, Action? before = null)
    {
        before?.Invoke();
        var clock = Stopwatch.StartNew();
        action();
        double cold = clock.Elapsed.TotalMilliseconds;
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            before?.Invoke();
            clock.Restart();
            action();
            samples[i] = clock.Elapsed.TotalMilliseconds;
        }
        return FromSamples(cold, samples);
    }

    /// <summary>
    /// Times several actions side by side: one cold call each, then <paramref name="runs"/> rounds in
    /// which every action runs once, so load that comes and goes hits them all alike.
    /// </summary>
    public static Timing[] Interleaved(IReadOnlyList<(Action Action, Action? Before)> actions, int runs)
    {
        var cold = new double[actions.Count];
        var samples = new double[actions.Count][];
        var clock = new Stopwatch();
        for (int round = -1; round < runs; round++)
        {
            for (int i = 0; i < actions.Count; i++)
            {
                actions[i].Before?.Invoke();
                clock.Restart();
                actions[i].Action();
                double ms = clock.Elapsed.TotalMilliseconds;
                if (round < 0)
                {
                    cold[i] = ms;
                    samples[i] = new double[runs];
                }
                else
                {
                    samples[i][round] = ms;
                }
            }
        }
        return [.. Enumerable.Range(0, actions.Count).Select(i => FromSamples(cold[i], samples[i]))];
    }

    /// <summary>A timing from samples measured elsewhere (e.g. interleaved with another contender).</summary>
    public static Timing FromSamples(double coldMs, IReadOnlyCollection<double> samplesMs)
    {
        var sorted = samplesMs.Order().ToArray();
        return new Timing(coldMs, sorted[sorted.Length / 2], sorted[0], sorted.Length);
    }
}
