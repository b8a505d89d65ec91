namespace Xeno.Boot.Loaders;

/// <summary>
/// Picks the entry to boot as pygrub does: the config's default (past the end → a warning and
/// the first entry), overridden by a requested entry given as a number in range or an exact title.
/// </summary>
public static class EntrySelector
{
    public static int Select(BootMenu menu, string? requested, List<BootDiagnostic> diagnostics)
    {
        if (menu.Entries.Count == 0)
            throw new BootException($"{menu.ConfigPath}: no boot entries");

        long selected = menu.DefaultIndex;
        if (selected > menu.Entries.Count)
        {
            diagnostics.Add(new(DiagnosticLevel.Warning, "Default image not found"));
            selected = 0;
        }
        if (requested is not null)
        {
            long? index = RequestedIndex(menu, requested);
            if (index is >= 0 && index < menu.Entries.Count) selected = index.Value;
        }
        // pygrub falls back to the first entry when the index is still out of range.
        return selected >= 0 && selected < menu.Entries.Count ? (int)selected : 0;
    }

    /// <summary>pygrub's reading of --entry: a number (any, even out of range) or the index of an exact title.</summary>
    public static long? RequestedIndex(BootMenu menu, string requested)
    {
        if (PyText.TryParseInt(requested, out var n)) return n;
        for (int i = 0; i < menu.Entries.Count; i++)
            if (menu.Entries[i].Title == requested) return i;
        return null;
    }
}
