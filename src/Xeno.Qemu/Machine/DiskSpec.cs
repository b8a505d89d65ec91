namespace Xeno.Qemu.Machine;

public enum DiskFormat
{
    Raw,
    Qcow2,
}

/// <summary>Where a disk is attached: virtio (PV), emulated IDE or AHCI (HVM hdX/sdX).</summary>
public enum DiskBus
{
    Virtio,
    Ide,
    Ahci,
}

public enum DiskMedia
{
    Disk,
    Cdrom,
}

/// <summary>
/// One guest disk. <see cref="Unit"/> is the position on its bus (IDE 0-3 = hda..hdd,
/// AHCI 0-5); null takes the next free one. Paths may be empty only for an empty CD-ROM drive.
/// <see cref="Id"/> names the drive (and "Id-dev" its device) so QMP can find it later; null: "diskN".
/// </summary>
public sealed record DiskSpec(
    string Path,
    DiskFormat Format = DiskFormat.Raw,
    DiskBus Bus = DiskBus.Virtio,
    DiskMedia Media = DiskMedia.Disk,
    bool ReadOnly = false,
    int? Unit = null,
    string? Id = null);
