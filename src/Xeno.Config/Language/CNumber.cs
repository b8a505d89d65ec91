namespace Xeno.Config.Language;

/// <summary>C library number parsing (glibc strtol/strtoul), which libxlutil's semantics depend on.</summary>
internal static class CNumber
{
    public enum Status { Ok, NoDigits, OutOfRange }

    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => 99,
    };

    /// <summary>
    /// strtol(s, &amp;end, 0) on a 64-bit long: returns the status, the value (clamped on overflow) and
    /// how many characters were consumed (0 when there were no digits).
    /// </summary>
    public static Status StrtolBase0(string s, out long value, out int consumed)
    {
        int i = 0;
        while (i < s.Length && IsCSpace(s[i])) i++;
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) { negative = s[i] == '-'; i++; }

        int radix = 10;
        if (i < s.Length && s[i] == '0')
        {
            if (i + 2 < s.Length && (s[i + 1] == 'x' || s[i + 1] == 'X') && DigitValue(s[i + 2]) < 16)
            {
                radix = 16;
                i += 2;
            }
            else
            {
                radix = 8;
            }
        }

        int digitsStart = i;
        // Accumulate the magnitude in a ulong; anything above 2^63 overflows either sign.
        ulong magnitude = 0;
        bool overflow = false;
        while (i < s.Length)
        {
            int d = DigitValue(s[i]);
            if (d >= radix) break;
            if (!overflow)
            {
                if (magnitude > (ulong.MaxValue - (ulong)d) / (ulong)radix) overflow = true;
                else magnitude = magnitude * (ulong)radix + (ulong)d;
            }
            i++;
        }

        if (i == digitsStart)
        {
            value = 0;
            consumed = 0;
            return Status.NoDigits;
        }

        consumed = i;
        ulong limit = negative ? 1UL << 63 : long.MaxValue;
        if (overflow || magnitude > limit)
        {
            value = negative ? long.MinValue : long.MaxValue;
            return Status.OutOfRange;
        }
        value = negative ? (long)(0UL - magnitude) : (long)magnitude;
        return Status.Ok;
    }

    /// <summary>
    /// How many characters strtoul(s, &amp;end, radix) consumes (0 when it converts nothing), for the short
    /// buffers libxlutil's escape decoding uses. Radix is 10 or 16.
    /// </summary>
    public static int StrtoulConsumed(ReadOnlySpan<char> s, int radix)
    {
        int i = 0;
        while (i < s.Length && IsCSpace(s[i])) i++;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
        if (radix == 16 && i + 1 < s.Length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')
            && i + 2 < s.Length && DigitValue(s[i + 2]) < 16)
        {
            i += 2;
        }
        int start = i;
        while (i < s.Length && DigitValue(s[i]) < radix) i++;
        return i == start ? 0 : i;
    }
}
