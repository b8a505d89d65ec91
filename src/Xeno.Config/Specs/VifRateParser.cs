using Xeno.Config.Text;

namespace Xeno.Config.Specs;

/// <summary>
/// <c>rate=</c> values exactly as Xen 4.17's libxlutil xlu_vif_parse_rate reads them:
/// <c>&lt;N&gt;[GMK]&lt;B|b&gt;/s[@&lt;interval&gt;[ms|us|s]]</c>, numbers in C's base-0 notation
/// (a leading 0 means octal), default interval 50 ms.
/// </summary>
internal static class VifRateParser
{
    private const ulong UInt32Max = uint.MaxValue;

    public static SpecResult<VifRate> Parse(string rate, string sourceName)
    {
        rate = DiskSpecParser.CString(rate);
        int at = rate.IndexOf('@');
        string bytesText = at < 0 ? rate : rate[..at];
        string? intervalText = at < 0 ? null : rate[(at + 1)..];

        string Err(string message, string text) => $"{sourceName}: config parsing error in vif: {message} in `{text}'";

        if (bytesText.Length == 0) return SpecResult<VifRate>.Failure(Err("no rate specified", rate));

        if (!IsBytesPerSecond(bytesText)) return SpecResult<VifRate>.Failure(Err("invalid rate", bytesText));
        ulong bytesPerSec = CNumber.StrToUL(bytesText, 0, 0, out int p, out bool overflow);
        if (bytesPerSec == 0 || bytesPerSec > UInt32Max || overflow)
            return SpecResult<VifRate>.Failure(Err("rate overflow", bytesText));
        char unit = At(bytesText, p);
        if (unit == 'G') bytesPerSec *= 1000UL * 1000 * 1000;
        else if (unit == 'M') bytesPerSec *= 1000UL * 1000;
        else if (unit == 'K') bytesPerSec *= 1000;
        if (unit == 'b' || At(bytesText, p + 1) == 'b') bytesPerSec /= 8;

        ulong intervalUsecs = 50_000;
        if (intervalText != null)
        {
            if (!IsInterval(intervalText))
                return SpecResult<VifRate>.Failure(Err("invalid replenishment interval", intervalText));
            ulong interval = CNumber.StrToUL(intervalText, 0, 0, out int q, out bool over);
            if (interval == 0 || interval > UInt32Max || over)
                return SpecResult<VifRate>.Failure(Err("replenishment interval overflow", intervalText));
            char scale = At(intervalText, q);
            if (scale == 's' || scale == '\0') interval *= 1000 * 1000;
            else if (scale == 'm') interval *= 1000;
            if (interval > UInt32Max)
                return SpecResult<VifRate>.Failure(Err("replenishment interval overflow", intervalText));
            intervalUsecs = interval;
        }

        if (intervalUsecs != 0 && bytesPerSec > ulong.MaxValue / intervalUsecs)
            return SpecResult<VifRate>.Failure(Err("rate overflow", rate));

        ulong perInterval = bytesPerSec * intervalUsecs / 1_000_000UL;
        return SpecResult<VifRate>.Success(new VifRate((long)perInterval, (long)intervalUsecs));
    }

    /// <summary>^[0-9]+[GMK]?[Bb]/s$</summary>
    private static bool IsBytesPerSecond(string s)
    {
        int i = Digits(s, 0);
        if (i == 0) return false;
        if (i < s.Length && s[i] is 'G' or 'M' or 'K') i++;
        if (i >= s.Length || s[i] is not ('B' or 'b')) return false;
        return s.Length == i + 3 && s[i + 1] == '/' && s[i + 2] == 's';
    }

    /// <summary>^[0-9]+[mu]?s?$</summary>
    private static bool IsInterval(string s)
    {
        int i = Digits(s, 0);
        if (i == 0) return false;
        if (i < s.Length && s[i] is 'm' or 'u') i++;
        if (i < s.Length && s[i] == 's') i++;
        return i == s.Length;
    }

    private static int Digits(string s, int i)
    {
        while (i < s.Length && s[i] is >= '0' and <= '9') i++;
        return i;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';
}
