using static Xeno.Boot.Images.BigEndian;

namespace Xeno.Boot.Images;

/// <summary>The fields of a qcow2 (version 2 or 3) header that reading needs, validated.</summary>
public sealed record Qcow2Header(
    int Version,
    int ClusterBits,
    ulong VirtualSize,
    uint L1Size,
    ulong L1TableOffset,
    string? BackingFile)
{
    public const uint Magic = 0x514649FB; // "QFI\xfb"
    private const int MinClusterBits = 9;
    private const int MaxClusterBits = 21;
    private const long MaxL1Bytes = 32L << 20;
    private const ulong MaxVirtualSize = 1UL << 56;
    private const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00UL;

    private const ulong IncompatDirty = 1UL << 0;
    private const ulong IncompatCorrupt = 1UL << 1;
    private const ulong IncompatExternalData = 1UL << 2;
    private const ulong IncompatCompressionType = 1UL << 3;
    private const ulong IncompatExtendedL2 = 1UL << 4;

    public long ClusterSize => 1L << ClusterBits;

    /// <summary>Number of 8-byte entries in one L2 table.</summary>
    public int L2Entries => 1 << (ClusterBits - 3);

    /// <summary>Parses and checks the header at the start of <paramref name="image"/>.</summary>
    public static Qcow2Header Read(Stream image, string name)
    {
        var head = new byte[112];
        int got = StreamReads.ReadAvailableAt(image, 0, head);
        if (got < 72)
        {
            throw new BootException($"{name}: qcow2 header truncated ({got} bytes)");
        }
        if (U32(head, 0) != Magic)
        {
            throw new BootException($"{name}: not a qcow2 image");
        }
        uint version = U32(head, 4);
        if (version is not (2 or 3))
        {
            throw new BootException($"{name}: qcow2 version {version} is not supported (only versions 2 and 3)");
        }
        ulong backingOffset = U64(head, 8);
        uint backingSize = U32(head, 16);
        uint clusterBits = U32(head, 20);
        ulong size = U64(head, 24);
        uint crypt = U32(head, 32);
        uint l1Size = U32(head, 36);
        ulong l1Offset = U64(head, 40);

        if (clusterBits is < MinClusterBits or > MaxClusterBits)
        {
            throw new BootException($"{name}: qcow2 cluster_bits {clusterBits} out of range {MinClusterBits}..{MaxClusterBits}");
        }
        if (crypt != 0)
        {
            string method = crypt switch { 1 => "AES", 2 => "LUKS", _ => $"method {crypt}" };
            throw new BootException($"{name}: encrypted qcow2 images ({method}) are not supported");
        }
        if (version == 3)
        {
            if (got < 104)
            {
                throw new BootException($"{name}: qcow2 version 3 header truncated ({got} bytes)");
            }
            CheckVersion3Features(head, got, name);
        }
        if (size > MaxVirtualSize)
        {
            throw new BootException($"{name}: qcow2 virtual size {size} is too large");
        }
        if ((long)l1Size * 8 > MaxL1Bytes)
        {
            throw new BootException($"{name}: qcow2 L1 table of {l1Size} entries is too large");
        }
        ulong coveredPerL1 = 1UL << (2 * (int)clusterBits - 3);
        ulong needed = (size + coveredPerL1 - 1) / coveredPerL1;
        if (l1Size < needed)
        {
            throw new BootException($"{name}: qcow2 L1 table has {l1Size} entries but the {size}-byte disk needs {needed}");
        }
        if (l1Size > 0 && ((l1Offset & ~OffsetMask) != 0 || l1Offset % (1UL << (int)clusterBits) != 0))
        {
            throw new BootException($"{name}: qcow2 L1 table offset {l1Offset} is not cluster aligned");
        }

        string? backing = null;
        if (backingOffset != 0)
        {
            if (backingSize is 0 or > 1023)
            {
                throw new BootException($"{name}: qcow2 backing file name length {backingSize} out of range 1..1023");
            }
            if (backingOffset > (ulong)image.Length)
            {
                throw new BootException($"{name}: qcow2 backing file name at offset {backingOffset} lies outside the image");
            }
            var raw = StreamReads.ReadBytesAt(image, (long)backingOffset, (int)backingSize, $"{name}: qcow2 backing file name");
            backing = System.Text.Encoding.UTF8.GetString(raw);
        }
        return new Qcow2Header((int)version, (int)clusterBits, size, l1Size, l1Offset, backing);
    }

    private static void CheckVersion3Features(ReadOnlySpan<byte> head, int got, string name)
    {
        ulong incompat = U64(head, 72);
        uint headerLength = U32(head, 100);
        const ulong known = IncompatDirty | IncompatCorrupt | IncompatExternalData | IncompatCompressionType | IncompatExtendedL2;
        if ((incompat & ~known) != 0)
        {
            throw new BootException($"{name}: qcow2 incompatible feature bits 0x{incompat & ~known:x} are not supported");
        }
        if ((incompat & IncompatExternalData) != 0)
        {
            throw new BootException($"{name}: qcow2 images with an external data file are not supported");
        }
        if ((incompat & IncompatExtendedL2) != 0)
        {
            throw new BootException($"{name}: qcow2 images with extended L2 entries (subclusters) are not supported");
        }
        if ((incompat & IncompatCompressionType) != 0)
        {
            byte type = headerLength > 104 && got > 104 ? head[104] : (byte)0;
            if (type == 1)
            {
                throw new BootException($"{name}: zstd-compressed qcow2 images are not supported (recompress with compression_type=zlib)");
            }
            if (type != 0)
            {
                throw new BootException($"{name}: qcow2 compression type {type} is not supported");
            }
        }
    }

    internal static ulong HostOffset(ulong entry) => entry & OffsetMask;
}
