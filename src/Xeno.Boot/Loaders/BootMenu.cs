namespace Xeno.Boot.Loaders;

/// <summary>
/// A parsed boot config: its entries in menu order and which one boots by default.
/// </summary>
/// <param name="Kind">The config language.</param>
/// <param name="ConfigPath">Where the config was found in the guest filesystem.</param>
/// <param name="Entries">Entries in menu order (grub2 submenus flattened, as pygrub does).</param>
/// <param name="DefaultIndex">Index into <see cref="Entries"/> of the default entry, chosen as pygrub chooses it
/// (may be out of range; <see cref="EntrySelector"/> then falls back to the first entry).</param>
/// <param name="FallbackIndex">grub legacy "fallback": the entry to use when the default's kernel is missing.</param>
/// <param name="Timeout">The menu timeout as written ("-1" when absent).</param>
/// <param name="Diagnostics">Remarks made while parsing, in file order.</param>
public sealed record BootMenu(
    ConfigKind Kind,
    string ConfigPath,
    IReadOnlyList<BootEntry> Entries,
    long DefaultIndex,
    long? FallbackIndex,
    string Timeout,
    IReadOnlyList<BootDiagnostic> Diagnostics);
