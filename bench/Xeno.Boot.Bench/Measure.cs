using System.Diagnostics;

namespace Xeno.Boot.Bench;

/// <summary>Times an action: one cold call, then several warm ones; reports median and minimum.</summary>
internal readonly record struct Timing(double ColdMs, double MedianMs, double MinMs, int Runs)
{
    public static Timing Of(Action action, int runs)
    {
        var clock = Stopwatch.StartNew();
        action();
        double cold = clock.Elapsed.TotalMilliseconds;
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            clock.Restart();
            action();
            samples[i] = clock.Elapsed.TotalMilliseconds;
        }
        return FromSamples(cold, samples);
    }

    /// <summary>A timing from samples measured elsewhere (e.g. interleaved with another contender).</summary>
    public static Timing FromSamples(double coldMs, IReadOnlyCollection<double> samplesMs)
    {
        var sorted = samplesMs.Order().ToArray();
        return new Timing(coldMs, sorted[sorted.Length / 2], sorted[0], sorted.Length);
    }
}
