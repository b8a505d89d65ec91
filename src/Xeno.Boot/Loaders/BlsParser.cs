namespace Xeno.Boot.Loaders;

/// <summary>
/// Boot Loader Specification entries (/boot/loader/entries/*.conf): one file per entry with
/// "key value" lines (title, version, linux, initrd, options, sort-key, machine-id).
/// Entries are ordered as grub's blscfg shows them: by sort-key, then newest version first.
/// "$name" in options is taken from grubenv (Fedora/RHEL keep "kernelopts" there).
/// Pygrub from Xen 4.17 knows nothing of BLS; this is ours.
/// </summary>
public static class BlsParser
{
    public sealed record EntryFile(string FileName, string Text);

    public static IReadOnlyList<BootEntry> Parse(IEnumerable<EntryFile> files, IReadOnlyDictionary<string, string> environment, string baseDirectory = "/")
    {
        var parsed = new List<(BootEntry Entry, string? SortKey, string Version, string FileName)>();
        foreach (var file in files)
        {
            if (!file.FileName.EndsWith(".conf", StringComparison.Ordinal)) continue;
            string? title = null, version = null, linux = null, sortKey = null;
            var initrds = new List<string>();
            var options = new List<string>();
            foreach (var line in ConfigLines.Meaningful(file.Text))
            {
                var parts = PyText.SplitWhitespace(line, 1);
                string key = parts[0], value = parts.Count > 1 ? PyText.Strip(parts[1]) : "";
                switch (key)
                {
                    case "title": title = value; break;
                    case "version": version = value; break;
                    case "linux": linux = value; break;
                    case "initrd": initrds.AddRange(PyText.SplitWhitespace(value)); break;
                    case "options": options.Add(value); break;
                    case "sort-key": sortKey = value; break;
                }
            }
            if (linux is null) continue; // Not a Linux entry (efi, devicetree only): nothing we can boot.
            string id = file.FileName[..^".conf".Length];
            string args = ExpandOptions(string.Join(' ', options), environment);
            var entry = new BootEntry(title ?? version ?? id, null, linux, args.Length == 0 ? null : args,
                initrds.Count == 0 ? null : string.Join(' ', initrds))
            { Id = id, BaseDirectory = baseDirectory };
            parsed.Add((entry, sortKey, version ?? "", file.FileName));
        }
        parsed.Sort((a, b) =>
        {
            if (a.SortKey is not null && b.SortKey is null) return -1;
            if (a.SortKey is null && b.SortKey is not null) return 1;
            int c = string.CompareOrdinal(a.SortKey, b.SortKey);
            if (c != 0) return c;
            c = VersionOrder.Compare(b.Version, a.Version);
            if (c != 0) return c;
            return VersionOrder.Compare(b.FileName, a.FileName);
        });
        return [.. parsed.Select(p => p.Entry)];
    }

    private static string ExpandOptions(string options, IReadOnlyDictionary<string, string> environment)
    {
        if (!options.Contains('$')) return options;
        var words = PyText.SplitWhitespace(options).Select(w =>
            w.StartsWith('$') ? environment.GetValueOrDefault(w.TrimStart('$').Trim('{', '}'), "") : w);
        return string.Join(' ', words.Where(w => w.Length > 0));
    }
}

/// <summary>Compares version strings the way package managers roughly do: digit runs as numbers.</summary>
internal static class VersionOrder
{
    public static int Compare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var na = a[si..i].TrimStart('0');
                var nb = b[sj..j].TrimStart('0');
                int c = na.Length != nb.Length ? na.Length.CompareTo(nb.Length) : string.CompareOrdinal(na, nb);
                if (c != 0) return c;
            }
            else
            {
                int c = a[i].CompareTo(b[j]);
                if (c != 0) return c;
                i++; j++;
            }
        }
        return (a.Length - i).CompareTo(b.Length - j);
    }
}
