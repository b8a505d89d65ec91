namespace Xeno.Boot.Loaders;

/// <summary>
/// One bootable entry of a guest's boot menu, with the values pygrub reports for it.
/// Paths are as written in the config (the device prefix removed); <see cref="Kernel"/> is
/// null when the entry names no kernel (such an entry cannot be booted).
/// </summary>
/// <param name="Title">The menu title (grub title/menuentry, extlinux label, BLS title).</param>
/// <param name="Root">The root device as pygrub prints it ("d0p1"), "" for extlinux, null when unset.</param>
/// <param name="Kernel">Kernel path inside the guest filesystem.</param>
/// <param name="Args">Kernel command line, null when there is none.</param>
/// <param name="Initrd">Initial ramdisk path, null when there is none.</param>
public sealed record BootEntry(string Title, string? Root, string? Kernel, string? Args, string? Initrd)
{
    /// <summary>grub2: the titles of the submenus this entry sits in, outermost first.</summary>
    public IReadOnlyList<string> SubmenuTitles { get; init; } = [];

    /// <summary>grub2: the ids of those submenus (null where a submenu has none).</summary>
    public IReadOnlyList<string?> SubmenuIds { get; init; } = [];

    /// <summary>grub2: position at each menu level (submenus count as one item), outermost first.</summary>
    public IReadOnlyList<int> MenuPosition { get; init; } = [];

    /// <summary>grub2 menuentry id (--id / $menuentry_id_option) or BLS entry file name; null if none.</summary>
    public string? Id { get; init; }

    /// <summary>grub2: the title as GRUB reads it (quotes joined, escapes undone), which a default may name; null when the same as <see cref="Title"/>.</summary>
    public string? GrubTitle { get; init; }

    /// <summary>
    /// grub legacy: why grub fails this entry whatever files the disk holds (an initrd line before any
    /// kernel line); null when it does not. grub then boots the fallback entry, if any.
    /// </summary>
    public string? GrubFailure { get; init; }

    /// <summary>Directory of the config file; relative kernel paths (extlinux) are resolved against it.</summary>
    public string BaseDirectory { get; init; } = "/";
}
