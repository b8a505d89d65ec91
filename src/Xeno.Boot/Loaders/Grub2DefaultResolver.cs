namespace Xeno.Boot.Loaders;

/// <summary>
/// Turns grub2's "default" value into an entry index: a number counts the top-level menu's
/// items as GRUB does (pygrub counts the flattened list; that is kept when the number names a
/// submenu or nothing); "a>b>c" walks submenus by title, id or position;
/// anything else matches an entry's title or id.
/// </summary>
internal static class Grub2DefaultResolver
{
    public static long? Resolve(string value, IReadOnlyList<BootEntry> entries)
    {
        if (value == "saved") return 0;
        if (PyText.TryParseInt(value, out var number))
        {
            if (number < 0) return 0;
            // GRUB counts the items of the top-level menu (a submenu is one item); pygrub counts
            // the flattened entries, which differs once a submenu comes before the default.
            for (int i = 0; i < entries.Count; i++)
                if (entries[i].MenuPosition is [var top] && top == number) return i;
            return number;
        }

        if (value.Contains('>'))
        {
            var path = value.Split('>');
            for (int i = 0; i < entries.Count; i++)
                if (MatchesPath(entries[i], path)) return i;
            // Fall back to pygrub's intent: the last component as a title.
            return ByTitleOrId(path[^1], entries);
        }
        return ByTitleOrId(value, entries);
    }

    private static long? ByTitleOrId(string value, IReadOnlyList<BootEntry> entries)
    {
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Title == value || entries[i].Id == value || entries[i].GrubTitle == value) return i;
        return null;
    }

    private static bool MatchesPath(BootEntry entry, string[] path)
    {
        if (path.Length != entry.SubmenuTitles.Count + 1 || entry.MenuPosition.Count != path.Length) return false;
        for (int level = 0; level < path.Length; level++)
        {
            string name = level < entry.SubmenuTitles.Count ? entry.SubmenuTitles[level] : entry.Title;
            string? grubName = level < entry.SubmenuTitles.Count ? null : entry.GrubTitle;
            string part = path[level];
            bool byPosition = PyText.TryParseInt(part, out var n) && n == entry.MenuPosition[level];
            string? id = level < entry.SubmenuTitles.Count
                ? (level < entry.SubmenuIds.Count ? entry.SubmenuIds[level] : null)
                : entry.Id;
            bool byName = part == name || part == grubName || (id is not null && part == id);
            if (!byPosition && !byName) return false;
        }
        return true;
    }
}
