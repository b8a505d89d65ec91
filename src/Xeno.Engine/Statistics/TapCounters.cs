using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Statistics;

/// <summary>
/// A vif's counters from its host tap, /sys/class/net/&lt;tap&gt;/statistics. The tap's
/// directions are the host's, so they are swapped to the guest's view (as libxenstat does for
/// netback's vifs): what the tap transmitted is what the guest received.
/// </summary>
public sealed class TapCounters(string sysClassNet = "/sys/class/net")
{
    /// <summary>The counters, or null when the interface is gone or unreadable.</summary>
    public NetworkStatistics? Read(string tap)
    {
        if (tap.Length == 0 || tap.Contains('/', StringComparison.Ordinal) || tap is "." or "..")
            return null;
        var dir = Path.Combine(sysClassNet, tap, "statistics");
        try
        {
            return new NetworkStatistics
            {
                Interface = tap,
                RxBytes = Counter(dir, "tx_bytes"),
                RxPackets = Counter(dir, "tx_packets"),
                RxErrors = Counter(dir, "tx_errors"),
                RxDrops = Counter(dir, "tx_dropped"),
                TxBytes = Counter(dir, "rx_bytes"),
                TxPackets = Counter(dir, "rx_packets"),
                TxErrors = Counter(dir, "rx_errors"),
                TxDrops = Counter(dir, "rx_dropped"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static long Counter(string dir, string name) =>
        long.Parse(File.ReadAllText(Path.Combine(dir, name)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
