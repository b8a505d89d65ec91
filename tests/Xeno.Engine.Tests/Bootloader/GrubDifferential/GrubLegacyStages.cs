using System.Buffers.Binary;
using System.Text;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>
/// Debian's grub legacy boot stages (scripts/grub-legacy/fetch: downloaded and unpacked, never
/// installed), written onto a disk image the way grub's "install" lays out an embedded stage2:
/// stage1's code in sector 0, the whole stage2 from sector 1 on. stage1's own stage2 sector (1)
/// and stage2's own block list (the rest from sector 2) already describe that layout, so
/// (checked below) only stage2's install partition and config file path are set. This runs
/// grub legacy's real boot code without its 32-bit grub shell or a mount.
/// </summary>
public sealed class GrubLegacyStages
{
    private const int Sector = 512;

    // stage1.h / stage2's asm.S: where install fills in the stages.
    private const int Stage1Stage2Sector = 0x44;
    private const int Stage2BlockListStart = 0x200 - 8;
    private const int Stage2InstallPartition = 0x200 + 0x8;
    private const int Stage2VersionString = 0x200 + 0x12;
    private const int Stage2ConfigAreaEnd = 0x200 + 0x70;
    private const int PartitionTable = 0x1b8;

    private static readonly Lazy<GrubLegacyStages> Shared = new(Fetch);

    private GrubLegacyStages(string version, byte[] stage1, byte[] stage2)
    {
        Version = version;
        Stage1 = stage1;
        Stage2 = stage2;
        if (BinaryPrimitives.ReadUInt32LittleEndian(stage1.AsSpan(Stage1Stage2Sector)) != 1)
            throw new InvalidOperationException($"grub-legacy {version}: stage1 does not load stage2 from sector 1 by default");
        uint listStart = BinaryPrimitives.ReadUInt32LittleEndian(stage2.AsSpan(Stage2BlockListStart));
        int listSectors = BinaryPrimitives.ReadUInt16LittleEndian(stage2.AsSpan(Stage2BlockListStart + 4));
        if (listStart != 2 || (listSectors + 1) * Sector < stage2.Length)
            throw new InvalidOperationException($"grub-legacy {version}: stage2's block list ({listStart}, {listSectors}) does not cover it from sector 2");
    }

    public string Version { get; }
    public byte[] Stage1 { get; }
    public byte[] Stage2 { get; }

    public static GrubLegacyStages Get() => Shared.Value;

    private static GrubLegacyStages Fetch()
    {
        var outputs = RepoScript.Outputs(Path.Combine("scripts", "grub-legacy", "fetch"));
        return new GrubLegacyStages(outputs["version"], File.ReadAllBytes(outputs["stage1"]), File.ReadAllBytes(outputs["stage2"]));
    }

    /// <summary>
    /// Installs on a disk <see cref="GrubDisk.Build"/> made without GRUB 2. <paramref name="partition"/>
    /// is grub legacy's 0-based partition number holding menu.lst (4 = the first logical one), null for
    /// a bare filesystem: then stage1/stage2 go on a GRUB-only first disk and <paramref name="configPath"/>
    /// names the second.
    /// </summary>
    public BuiltGrubDisk Install(string image, int? partition, string configPath)
    {
        var stage2 = (byte[])Stage2.Clone();
        // Top-level partition in bits 16-23, no BSD sub-partition (0xff), 0xff: grub's current_partition.
        uint installPartition = partition is { } p ? ((uint)p << 16) | 0xffff : 0xffffff;
        BinaryPrimitives.WriteUInt32LittleEndian(stage2.AsSpan(Stage2InstallPartition), installPartition);
        int configAt = Array.IndexOf(stage2, (byte)0, Stage2VersionString) + 1;
        var path = Encoding.ASCII.GetBytes(configPath + "\0");
        if (configAt + path.Length > Stage2ConfigAreaEnd)
            throw new ArgumentException($"config path {configPath} does not fit in stage2", nameof(configPath));
        Array.Clear(stage2, configAt, Stage2ConfigAreaEnd - configAt);
        path.CopyTo(stage2, configAt);

        string target = image;
        if (partition is null)
        {
            target = image + ".grub";
            using var f = new FileStream(target, FileMode.Create);
            f.SetLength(1 << 20);
        }
        using (var disk = new FileStream(target, FileMode.Open, FileAccess.ReadWrite))
        {
            if ((1 + (stage2.Length + Sector - 1) / Sector) * Sector > 2048 * Sector)
                throw new InvalidOperationException("stage2 does not fit before the first partition");
            disk.Position = 0;
            // Bare GRUB-only disk: the whole sector (signature included); else keep the partition table.
            disk.Write(Stage1, 0, partition is null ? Sector : PartitionTable);
            disk.Position = Sector;
            disk.Write(stage2);
        }
        return new BuiltGrubDisk(image, partition is null ? target : null);
    }
}
