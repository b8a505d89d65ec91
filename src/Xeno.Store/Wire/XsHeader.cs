using System.Buffers.Binary;

namespace Xeno.Store.Wire;

/// <summary>The 16-byte xsd_sockmsg header: type, req_id, tx_id, len (little-endian u32 each).</summary>
public readonly record struct XsHeader(uint Type, uint RequestId, uint TransactionId, uint Length)
{
    public const int Size = 16;

    /// <summary>XENSTORE_PAYLOAD_MAX: the largest payload either side may send.</summary>
    public const int PayloadMax = 4096;

    public static XsHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
            throw new ArgumentException($"a header needs {Size} bytes, got {bytes.Length}", nameof(bytes));
        return new XsHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]));
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Type);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], TransactionId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Length);
    }
}
