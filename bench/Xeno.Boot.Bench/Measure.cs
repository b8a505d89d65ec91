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
        Array.Sort(samples);
        return new Timing(cold, samples[runs / 2], samples[0], runs);
    }
}
