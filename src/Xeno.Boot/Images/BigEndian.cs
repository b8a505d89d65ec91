using System.Buffers.Binary;

namespace Xeno.Boot.Images;

/// <summary>Short names for the big-endian field reads of on-disk headers (qcow2).</summary>
internal static class BigEndian
{
    public static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
    public static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64BigEndian(b[at..]);
}
