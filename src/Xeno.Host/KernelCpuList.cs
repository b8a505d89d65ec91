using System.Globalization;

namespace Xeno.Host;

/// <summary>
/// The kernel's CPU list text ("0-3,6": /proc's Cpus_allowed_list, /sys/devices/system/node/node*/cpulist,
/// .../cpu/online). The one parser of it; xl.cfg's richer cpus= syntax is Xeno.Config's CpuList.
/// </summary>
public static class KernelCpuList
{
    /// <summary>Upper bound on CPU numbers accepted, so hostile text cannot make a huge set.</summary>
    public const int MaxCpu = 8191;

    public static bool TryParse(string text, out SortedSet<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(text);
        cpus = [];
        if (text.Length == 0)
            return true;
        foreach (var part in text.Split(','))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            var firstText = dash < 0 ? part : part[..dash];
            var lastText = dash < 0 ? part : part[(dash + 1)..];
            if (!TryCpu(firstText, out int first) || !TryCpu(lastText, out int last) || last < first)
            {
                cpus = [];
                return false;
            }
            for (int c = first; c <= last; c++)
                cpus.Add(c);
        }
        return true;
    }

    private static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu <= MaxCpu;
}
