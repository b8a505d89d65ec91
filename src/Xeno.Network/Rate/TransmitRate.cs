using System.Globalization;
using Xeno.Config.Specs;

namespace Xeno.Network.Rate;

/// <summary>
/// A guest-transmit limit as a token bucket: Xen's netback credit scheme (credit_bytes added every
/// credit_usec, the bucket capped at max(128 KiB, credit_bytes)) in bytes per second and a burst.
/// </summary>
public sealed record TransmitRate(long BytesPerSecond, long BurstBytes)
{
    /// <summary>Netback never caps the bucket below 128 KiB, so short bursts pass at line rate.</summary>
    public const long MinimumBurstBytes = 131072;

    public static TransmitRate FromCredit(ulong bytesPerInterval, ulong intervalUsecs)
    {
        if (bytesPerInterval == 0 || intervalUsecs == 0)
            throw new ArgumentOutOfRangeException(nameof(bytesPerInterval), "a rate needs bytes and an interval above 0");
        // bytes * 1e6 / usecs without overflow: both fit in 64 bits, the product may not.
        UInt128 perSecond = (UInt128)bytesPerInterval * 1_000_000UL / intervalUsecs;
        long bps = perSecond == 0 ? 1 : perSecond > long.MaxValue ? long.MaxValue : (long)perSecond;
        long burst = bytesPerInterval > long.MaxValue ? long.MaxValue : Math.Max(MinimumBurstBytes, (long)bytesPerInterval);
        return new TransmitRate(bps, burst);
    }

    public static TransmitRate FromVifRate(VifRate rate) =>
        FromCredit((ulong)rate.BytesPerInterval, (ulong)rate.IntervalUsecs);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{BytesPerSecond} bytes/s, burst {BurstBytes} bytes");
}

/// <summary>
/// The backend's <c>rate</c> node, <c>"&lt;bytes_per_interval&gt;,&lt;interval_us&gt;"</c>, as Xen's
/// netback reads it (decimal numbers, nothing else). The node is writable by whoever can write
/// the backend path, so it is parsed strictly: anything else is an error, and the caller keeps
/// the vif unlimited as netback does with a value it cannot read.
/// </summary>
public static class BackendRateValue
{
    public static (TransmitRate? Rate, string? Error) Parse(string? value)
    {
        if (value == null) return (null, "no rate node");
        int comma = value.IndexOf(',');
        if (comma < 0) return (null, $"rate `{value}' is not <bytes>,<usecs>");
        if (!TryDecimal(value.AsSpan(0, comma), out ulong bytes) || !TryDecimal(value.AsSpan(comma + 1), out ulong usecs))
            return (null, $"rate `{value}' is not <bytes>,<usecs> in decimal");
        if (bytes == 0 || usecs == 0) return (null, $"rate `{value}' has a zero credit or interval");
        return (TransmitRate.FromCredit(bytes, usecs), null);
    }

    private static bool TryDecimal(ReadOnlySpan<char> s, out ulong v)
    {
        v = 0;
        if (s.Length is 0 or > 20) return false;
        foreach (char c in s) if (!char.IsAsciiDigit(c)) return false;
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }
}
