using Xeno.Engine.Domains;
using Xeno.Engine.Interop;

namespace Xeno.Engine.Hosting;

/// <summary>xenod's start: the soft open-file limit up to the hard one, logged (see OpenFileLimit).</summary>
internal static class OpenFileLimitAtStart
{
    public static void Apply(EngineLog log)
    {
        try
        {
            var (before, after) = OpenFileLimit.RaiseSoftToHard();
            log.Info(before.Soft == after.Soft
                ? $"open files: limit {Show(after.Soft)} (hard {Show(after.Hard)})"
                : $"open files: limit raised from {Show(before.Soft)} to {Show(after.Soft)} (hard {Show(after.Hard)})");
        }
        catch (IOException e)
        {
            log.Info($"open files: {e.Message}; keeping the limit as it is");
        }
    }

    private static string Show(ulong limit) => limit == OpenFileLimit.Infinity ? "unlimited" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
