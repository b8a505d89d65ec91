namespace Xeno.Boot.Conversion;

/// <summary>What happens to one path in the guest.</summary>
public enum GuestFileAction
{
    /// <summary>A regular file gets <see cref="GuestFileChange.After"/> (created when <see cref="GuestFileChange.Before"/> is null).</summary>
    Write,

    /// <summary>The file or link is removed.</summary>
    Delete,

    /// <summary>A symbolic link to <see cref="GuestFileChange.LinkTarget"/> is made.</summary>
    Symlink,
}

/// <summary>One change of a conversion plan, with the text before and after (for the diff and the backup).</summary>
public sealed record GuestFileChange(GuestFileAction Action, string Path, string? Before, string? After, string? LinkTarget = null)
{
    public static GuestFileChange Write(string path, string? before, string after) => new(GuestFileAction.Write, path, before, after);

    /// <param name="linkTarget">For a symbolic link, what it points at (so the undo can make it again).</param>
    public static GuestFileChange Delete(string path, string? before, string? linkTarget = null) =>
        new(GuestFileAction.Delete, path, before, null, linkTarget);

    public static GuestFileChange Link(string path, string target) => new(GuestFileAction.Symlink, path, null, null, target);

    /// <summary>The change as a unified diff (a link as a one-line note).</summary>
    public string Diff() => Action switch
    {
        GuestFileAction.Symlink => $"+++ {Path} -> {LinkTarget} (symbolic link)\n",
        GuestFileAction.Delete when Before is null => $"--- {Path} -> {LinkTarget} (symbolic link removed)\n",
        _ => LineDiff.Unified(Path, Before, After),
    };
}
