using Xeno.Config.Text;

namespace Xeno.Config.Specs;

/// <summary>A vdev's xenstore device number and the disk/partition it names
/// (both -1 for a legacy plain number, whose parts Xen does not decode).</summary>
public readonly record struct VdevInfo(int Devid, int Disk, int Partition);

/// <summary>
/// Virtual device names → device numbers with the semantics of Xen 4.17's
/// libxl__device_disk_dev_number (xvd/dNpM, plain numbers, hd, sd — in that order),
/// including its quirks (e.g. "xvda+1" = xvda1, "hd" = hdb's number).
/// </summary>
public static class Vdev
{
    private const int XenMajor = 202;
    private const int ExtendedFlag = 1 << 28;

    public static bool TryParse(string vdev, out VdevInfo info)
    {
        ArgumentNullException.ThrowIfNull(vdev);
        var s = DiskSpecParser.CString(vdev);
        int devid;
        int disk, partition;

        if ((MatchesDnPm(s, out disk, out partition) && disk < 1 << 20 && partition < 256)
            || MatchesLetters(s, "xvd", (1 << 20) - 1, 255, out disk, out partition))
        {
            devid = disk <= 15 && partition <= 15
                ? (XenMajor << 8) | (disk << 4) | partition
                : ExtendedFlag | (disk << 8) | partition;
            return Result(devid, disk, partition, out info);
        }

        ulong number = CNumber.StrToUL(s, 0, 0, out int end, out bool overflow);
        if (!overflow && end == s.Length && number <= int.MaxValue)
        {
            // strtoul of "" is 0 with nothing left over, so Xen maps an empty vdev to 0 too.
            info = new VdevInfo((int)number, -1, -1);
            return true;
        }

        if (MatchesLetters(s, "hd", 3, 63, out disk, out partition))
            return Result(((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | partition, disk, partition, out info);

        if (MatchesLetters(s, "sd", 15, 15, out disk, out partition))
            return Result((8 << 8) | (disk << 4) | partition, disk, partition, out info);

        info = default;
        return false;
    }

    /// <summary>The device number alone, or null when Xen would reject the name.</summary>
    public static int? ToDevid(string vdev) => TryParse(vdev, out var info) ? info.Devid : null;

    // Negative numbers come out of Xen's arithmetic for odd names ("xvd", "d-1p0") and
    // mean "invalid" to its callers.
    private static bool Result(int devid, int disk, int partition, out VdevInfo info)
    {
        info = new VdevInfo(devid, disk, partition);
        if (devid >= 0) return true;
        info = default;
        return false;
    }

    /// <summary>sscanf(s, "d%ip%i%n") consuming the whole string.</summary>
    internal static bool MatchesDnPm(string s, out int disk, out int partition)
    {
        disk = partition = 0;
        if (s.Length == 0 || s[0] != 'd') return false;
        int i = 1;
        if (!ScanfInt(s, ref i, out disk)) return false;
        if (i >= s.Length || s[i] != 'p') return false;
        i++;
        if (!ScanfInt(s, ref i, out partition)) return false;
        return i == s.Length;
    }

    /// <summary>glibc's %i: blanks, sign, 0x (taken even without digits after it) or 0 prefix;
    /// the value goes through long and is truncated to int.</summary>
    private static bool ScanfInt(string s, ref int i, out int value)
    {
        value = 0;
        int j = i;
        while (j < s.Length && CNumber.IsCSpace(s[j])) j++;
        bool negative = false;
        if (j < s.Length && (s[j] == '+' || s[j] == '-')) { negative = s[j] == '-'; j++; }
        int numberBase = 10;
        bool sawDigit = false;
        if (j < s.Length && s[j] == '0')
        {
            sawDigit = true;
            j++;
            if (j < s.Length && (s[j] == 'x' || s[j] == 'X')) { numberBase = 16; j++; }
            else numberBase = 8;
        }
        UInt128 magnitude = 0;
        while (j < s.Length && CNumber.DigitValue(s[j]) < numberBase)
        {
            sawDigit = true;
            if (magnitude <= ulong.MaxValue) magnitude = magnitude * (uint)numberBase + (uint)CNumber.DigitValue(s[j]);
            j++;
        }
        if (!sawDigit) return false;
        long asLong = negative
            ? (magnitude > (UInt128)1 << 63 ? long.MinValue : unchecked((long)(0UL - (ulong)magnitude)))
            : (magnitude > long.MaxValue ? long.MaxValue : (long)magnitude);
        value = unchecked((int)asLong);
        i = j;
        return true;
    }

    /// <summary>prefix + bijective base-26 letters + optional partition without leading zero.</summary>
    private static bool MatchesLetters(string s, string prefix, int maxIndex, int maxPartition, out int index, out int partition)
    {
        index = -1;
        partition = 0;
        if (!s.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int p = prefix.Length;
        while (p < s.Length && s[p] is >= 'a' and <= 'z')
        {
            index = (index + 1) * 26 + (s[p] - 'a');
            if (index > maxIndex) return false;
            p++;
        }
        if (p == s.Length) return true;
        if (s[p] == '0') return false; // leading zeroes are not allowed in a partition number
        long value = unchecked((long)CNumber.StrToUL(s, p, 10, out int end, out _));
        if (value > maxPartition || end != s.Length) return false;
        partition = (int)value;
        return true;
    }
}
