namespace Xeno.Config.Specs;

public enum DiskFormat { Raw, Qcow, Qcow2, Vhd, Qed, Empty }

public enum DiskAccess { ReadWrite, ReadOnly }

public enum DiskDevType { Disk, Cdrom }

/// <summary>One parsed <c>disk=</c> entry, with the fields libxlutil's xlu_disk_parse sets.</summary>
public sealed record DiskSpec
{
    /// <summary>pdev_path; null when never given, empty for an empty CD-ROM drive.</summary>
    public string? Target { get; init; }
    public DiskFormat Format { get; init; } = DiskFormat.Raw;
    public required string Vdev { get; init; }
    public DiskAccess Access { get; init; } = DiskAccess.ReadWrite;
    public DiskDevType DevType { get; init; } = DiskDevType.Disk;
    /// <summary>True for CD-ROMs (Xen's <c>removable</c>).</summary>
    public bool Removable { get; init; }
    /// <summary>script= or from a deprecated prefix (iscsi: → block-iscsi …).</summary>
    public string? Script { get; init; }
    /// <summary>backend= domain name; null = dom0.</summary>
    public string? BackendDomain { get; init; }
    /// <summary>phy | qdisk | tap | standalone; null = chosen automatically.</summary>
    public string? BackendType { get; init; }
    /// <summary>xen | virtio; null = default (xen).</summary>
    public string? Specification { get; init; }
    public bool DirectIoSafe { get; init; }
    /// <summary>discard / no-discard; null = default (enabled).</summary>
    public bool? Discard { get; init; }
    /// <summary>colo / no-colo; null = default (off).</summary>
    public bool? Colo { get; init; }
    public string? ColoHost { get; init; }
    /// <summary>colo-port=; 0 when not given (as in libxl).</summary>
    public int ColoPort { get; init; }
    public string? ColoExport { get; init; }
    public string? ActiveDisk { get; init; }
    public string? HiddenDisk { get; init; }
}
