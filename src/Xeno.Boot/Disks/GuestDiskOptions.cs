using Xeno.Boot.Images;

namespace Xeno.Boot.Disks;

/// <summary>How <see cref="GuestDisk.Open"/> reads an image.</summary>
public sealed record GuestDiskOptions
{
    /// <summary>Container and backing-file handling (qcow2 backing files are opened through its resolver).</summary>
    public DiskImageOptions Image { get; init; } = new();
}
