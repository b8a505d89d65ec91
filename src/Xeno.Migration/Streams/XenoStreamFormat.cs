using System.Buffers.Binary;

namespace Xeno.Migration.Streams;

/// <summary>What a record of Xeno's stream holds.</summary>
public enum XenoRecordType : uint
{
    /// <summary>The last record; length 0.</summary>
    End = 0,
    /// <summary>The domain's runtime state as JSON (<see cref="DomainStateRecord"/>).</summary>
    DomainState = 1,
    /// <summary>QEMU's migration stream, as QEMU wrote it.</summary>
    QemuState = 2,
}

/// <summary>
/// Xeno's stream after the xl header: an 16-byte stream header ("XENOSTRM", u32 version, u32
/// flags), then records of (u32 type, u32 flags, u64 length, body), all little-endian, ending
/// with an <see cref="XenoRecordType.End"/> record. The same records can travel over a pipe
/// (migration): only a record's length must be known before its body, which for the QEMU stream
/// in a file is patched in after QEMU finished (<see cref="SaveFileLayout"/>).
/// </summary>
public static class XenoStreamFormat
{
    public static ReadOnlySpan<byte> Magic => "XENOSTRM"u8;
    public const uint Version = 1;
    public const int StreamHeaderSize = 16;
    public const int RecordHeaderSize = 16;
    /// <summary>Where in a record header its u64 length sits.</summary>
    public const int LengthFieldOffset = 8;
    /// <summary>Bound on a JSON record, so a damaged length cannot ask for gigabytes of memory.</summary>
    public const long MaxJsonRecord = 16 << 20;

    public static byte[] StreamHeader()
    {
        var b = new byte[StreamHeaderSize];
        Magic.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), Version);
        return b;
    }

    public static byte[] RecordHeader(XenoRecordType type, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var b = new byte[RecordHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)type);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(LengthFieldOffset), (ulong)length);
        return b;
    }

    public static byte[] LengthField(long length)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)length);
        return b;
    }

    public static string Describe(XenoRecordType type) => type switch
    {
        XenoRecordType.End => "end",
        XenoRecordType.DomainState => "domain state",
        XenoRecordType.QemuState => "QEMU state",
        _ => $"type {(uint)type}",
    };
}
