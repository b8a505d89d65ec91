using System.Text;
using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// The e2fsprogs `debugfs -w -f SCRIPT` commands that carry out a plan on an ext2/3/4 filesystem
/// without mounting it, and the ones that undo it. A file's new text is written from a host file
/// (<paramref name="hostFile"/> names it per guest path); an existing file keeps its mode and owner.
/// </summary>
public static partial class DebugfsScript
{
    /// <summary>Mode and owner of a guest file as debugfs's `stat` prints them.</summary>
    public sealed record Inode(int Mode, int User, int Group);

    public static readonly Inode NewFile = new(Convert.ToInt32("644", 8), 0, 0);

    [GeneratedRegex(@"Mode:\s+([0-7]+).*\n.*\nUser:\s+(\d+)\s+Group:\s+(\d+)")]
    private static partial Regex StatFields();

    /// <summary>Reads `debugfs -R "stat PATH"` output; null when it has no mode and owner.</summary>
    public static Inode? ParseStat(string output)
    {
        var m = StatFields().Match(output);
        return m.Success
            ? new Inode(Convert.ToInt32(m.Groups[1].Value, 8), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value))
            : null;
    }

    /// <param name="hostFile">Host path of the file holding the text to write for a guest path.</param>
    /// <param name="inodes">Mode and owner of each existing guest file that is rewritten.</param>
    public static string Apply(IReadOnlyList<GuestFileChange> changes, Func<string, string> hostFile, IReadOnlyDictionary<string, Inode> inodes)
    {
        var script = new StringBuilder();
        foreach (var change in changes)
        {
            switch (change.Action)
            {
                case GuestFileAction.Write:
                    WriteFile(script, change.Path, change.Before is not null, hostFile(change.Path),
                        inodes.TryGetValue(change.Path, out var inode) ? inode : NewFile);
                    break;
                case GuestFileAction.Delete:
                    script.Append($"rm {Quote(change.Path)}\n");
                    break;
                case GuestFileAction.Symlink:
                    script.Append($"symlink {Quote(change.Path)} {Quote(change.LinkTarget!)}\n");
                    break;
            }
        }
        return script.ToString();
    }

    /// <summary>The inverse, in reverse order: old texts back (from <paramref name="backupFile"/>), links remade, new files removed.</summary>
    public static string Undo(IReadOnlyList<GuestFileChange> changes, Func<string, string> backupFile, IReadOnlyDictionary<string, Inode> inodes)
    {
        var script = new StringBuilder();
        foreach (var change in changes.Reverse())
        {
            switch (change.Action)
            {
                case GuestFileAction.Write when change.Before is null:
                case GuestFileAction.Symlink:
                    script.Append($"rm {Quote(change.Path)}\n");
                    break;
                case GuestFileAction.Write:
                    WriteFile(script, change.Path, true, backupFile(change.Path), inodes.TryGetValue(change.Path, out var inode) ? inode : NewFile);
                    break;
                case GuestFileAction.Delete when change.Before is null:
                    script.Append($"symlink {Quote(change.Path)} {Quote(change.LinkTarget!)}\n");
                    break;
                case GuestFileAction.Delete:
                    WriteFile(script, change.Path, false, backupFile(change.Path), inodes.TryGetValue(change.Path, out var old) ? old : NewFile);
                    break;
            }
        }
        return script.ToString();
    }

    private static void WriteFile(StringBuilder script, string path, bool exists, string source, Inode inode)
    {
        var q = Quote(path);
        if (exists) script.Append($"rm {q}\n");
        script.Append($"write {Quote(source)} {q}\n");
        // debugfs takes the host file's mode and owner; the guest's are put back.
        script.Append($"sif {q} mode 0{Convert.ToString(0x8000 | (inode.Mode & 0xfff), 8)}\n");
        script.Append($"sif {q} uid {inode.User}\n");
        script.Append($"sif {q} gid {inode.Group}\n");
    }

    /// <summary>debugfs splits its command lines on blanks and honours double quotes (no escapes inside).</summary>
    public static string Quote(string path)
    {
        if (path.Contains('"') || path.Contains('\n'))
            throw new ArgumentException($"a path debugfs cannot take: {path}", nameof(path));
        return path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;
    }
}
