namespace Xeno.Boot.Loaders;

/// <summary>
/// A grub device name such as "(hd0,0)", "hd0,msdos1" or "/dev/xvda", shown the way pygrub
/// shows it in --list-entries ("d0p1", "d0"). Names pygrub cannot read (lvm, md, uuids)
/// are kept as written instead of failing the whole config, which is what pygrub does.
/// </summary>
internal static class GrubDevice
{
    public static string Describe(string value)
    {
        var parts = PyText.Split(value, ',', 1);
        string diskText = parts[0];
        string? partText = parts.Count > 1 ? parts[1] : null;
        if (partText is not null && partText.Contains(',')) return value;
        long? disk = ParseDisk(diskText);
        if (disk is null) return value;
        if (partText is null) return $"d{disk}";
        long? part = ParsePart(partText);
        return part is null ? value : $"d{disk}p{part}";
    }

    private static long? ParseDisk(string text)
    {
        var v = text.Replace("(", "").Replace(")", "");
        if (v.StartsWith("/dev/xvd", StringComparison.Ordinal))
            return v.Length > 8 ? v[8] - 'a' : null;
        if (v.Length < 2) return null;
        return PyText.TryParseInt(v.Substring(2), out var n) ? n : null;
    }

    private static long? ParsePart(string text)
    {
        var v = text.Replace("(", "").Replace(")", "");
        if (v.StartsWith("msdos", StringComparison.Ordinal)) v = v.Substring(5);
        if (v.StartsWith("gpt", StringComparison.Ordinal)) v = v.Substring(3);
        return PyText.TryParseInt(v, out var n) ? n : null;
    }

    /// <summary>
    /// The file path of "(hd0,0)/vmlinuz" or "/vmlinuz": the part after the device prefix.
    /// A device prefix without ')' is kept as a path (pygrub gives up on the config there).
    /// </summary>
    public static string PathOf(string s)
    {
        if (!s.StartsWith('(')) return s;
        int close = s.IndexOf(')');
        return close == -1 ? s : s.Substring(close + 1);
    }
}
