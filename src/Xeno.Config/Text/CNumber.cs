namespace Xeno.Config.Text;

/// <summary>
/// glibc's strtoul/strtol/atoi number scanning on 64-bit Linux, because Xen's spec parsers
/// inherit its quirks (leading blanks, signs, 0x and octal prefixes, saturation on overflow).
/// A '\0' in the string ends it, as in C. Shared by the xl.cfg reader (xlu_cfg_get_long) and the
/// spec parsers.
/// </summary>
internal static class CNumber
{
    private const ulong ULongMax = ulong.MaxValue;

    /// <summary>Scans like strtoul(s+start, &amp;end, base). No digits: 0 and end = start.</summary>
    public static ulong StrToUL(string s, int start, int numberBase, out int end, out bool overflow)
    {
        var magnitude = Scan(s, start, numberBase, out end, out var negative, out overflow);
        if (overflow) return ULongMax;
        return negative ? unchecked(0UL - magnitude) : magnitude;
    }

    public static ulong StrToUL(string s, int numberBase, out int end) =>
        StrToUL(s, 0, numberBase, out end, out _);

    /// <summary>Scans like strtol/strtoll (64-bit long): saturates at long.MinValue/MaxValue (ERANGE).</summary>
    public static long StrToL(string s, int start, int numberBase, out int end, out bool overflow)
    {
        var magnitude = Scan(s, start, numberBase, out end, out var negative, out var scanOverflow);
        if (negative)
        {
            overflow = scanOverflow || magnitude > 1UL << 63;
            return overflow ? long.MinValue : unchecked((long)(0UL - magnitude));
        }
        overflow = scanOverflow || magnitude > long.MaxValue;
        return overflow ? long.MaxValue : (long)magnitude;
    }

    public static long StrToL(string s, int start, int numberBase, out int end) =>
        StrToL(s, start, numberBase, out end, out _);

    /// <summary>atoi: strtol base 10 then truncated to a 32-bit int, as glibc does.</summary>
    public static int AtoI(string s) => unchecked((int)StrToL(s, 0, 10, out _));

    public static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    public static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => 99,
    };

    private static ulong Scan(string s, int start, int numberBase, out int end, out bool negative, out bool overflow)
    {
        end = start;
        negative = false;
        overflow = false;
        int i = start;
        while (i < s.Length && IsCSpace(s[i])) i++;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        if ((numberBase == 0 || numberBase == 16) && At(s, i) == '0' && (At(s, i + 1) is 'x' or 'X')
            && DigitValue(At(s, i + 2)) < 16)
        {
            i += 2;
            numberBase = 16;
        }
        else if (numberBase == 0)
        {
            numberBase = At(s, i) == '0' ? 8 : 10;
        }

        int digitsStart = i;
        ulong value = 0;
        while (i < s.Length)
        {
            int d = DigitValue(s[i]);
            if (d >= numberBase) break;
            if (!overflow)
            {
                var next = (UInt128)value * (uint)numberBase + (uint)d;
                if (next > ULongMax) overflow = true;
                else value = (ulong)next;
            }
            i++;
        }

        if (i == digitsStart)
        {
            // "0x" with no hex digit after it is handled above by not taking the prefix.
            negative = false;
            overflow = false;
            return 0;
        }

        end = i;
        return value;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';
}
