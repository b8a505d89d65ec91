using Xeno.Boot.Conversion;

namespace Xeno.GuestDisks.Rescue;

/// <summary>
/// What the conversion helper guest is asked to do: the planner's changes to the root filesystem
/// on <see cref="Partition"/> (0: the filesystem fills the disk), the grub.cfg to regenerate with
/// the guest's own grub-mkconfig afterwards (null: none), and whether to install GRUB for BIOS in
/// the disk's MBR with the guest's own grub-install. <see cref="Stamp"/> names the backup.
/// <see cref="BootPartition"/>: the separate /boot partition the helper mounts on the root's /boot
/// before anything else (null: /boot is a folder of the root filesystem).
/// </summary>
public sealed record ConvertJob(
    GuestBootType Target,
    int Partition,
    IReadOnlyList<GuestFileChange> Changes,
    string? Regenerate,
    bool InstallBootloader,
    DateTime Stamp,
    int? BootPartition = null)
{
    /// <summary>The backup folder the helper makes on the guest's disk.</summary>
    public string BackupPath => $"/var/backups/xeno-convert-{GuestConsoles.Name(Target)}-{StampText}";

    public string StampText => Stamp.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The grub.cfg worth regenerating: where the guest has /etc/default/grub beside a grub 2
    /// config, its own grub-mkconfig makes the config from the edited defaults (null otherwise:
    /// a hand-written grub.cfg or menu.lst is written as planned).
    /// </summary>
    public static string? RegenerateTarget(GuestSnapshot snapshot)
    {
        if (snapshot.Text(ConversionPlanner.GrubDefaults) is null) return null;
        foreach (var cfg in new[] { ConversionPlanner.Grub2Config, ConversionPlanner.Grub2RedHatConfig })
        {
            if (snapshot.Text(cfg) is not null) return cfg;
        }
        return null;
    }
}
