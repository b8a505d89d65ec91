using System.Buffers.Binary;

namespace Xeno.Migration.Wire;

/// <summary>What a frame of the storage-copy stream carries (docs/migration.md, "Copying local disks").</summary>
public enum MuxFrameType : byte
{
    /// <summary>A piece of QEMU's live migration stream (sender to receiver).</summary>
    Qemu = 1,
    /// <summary>QEMU's migration stream is complete.</summary>
    QemuEnd = 2,
    /// <summary>The sending QEMU opened NBD connection <c>stream</c>: the receiver connects to its NBD server.</summary>
    NbdOpen = 3,
    /// <summary>Bytes of NBD connection <c>stream</c>, either way.</summary>
    NbdData = 4,
    /// <summary>This side's end of NBD connection <c>stream</c> has no more bytes.</summary>
    NbdClose = 5,
    /// <summary>This side sends no more frames: the hand-over messages follow.</summary>
    End = 6,
    /// <summary>
    /// The receiver's first frame: its disks are created and exported, so the sender may start
    /// the mirrors (QEMU's NBD client connects within the drive-mirror command, holding QEMU's monitor).
    /// </summary>
    TargetReady = 7,
}

/// <summary>
/// One frame: u8 type, u32 little-endian stream number, u32 little-endian payload length (at
/// most <see cref="MigrationWire.MaxChunk"/>, and 0 for every type but Qemu and NbdData), payload.
/// </summary>
public readonly record struct MuxFrame(MuxFrameType Type, uint Stream, ReadOnlyMemory<byte> Payload)
{
    public const int HeaderLength = 9;

    public static bool CarriesData(MuxFrameType type) => type is MuxFrameType.Qemu or MuxFrameType.NbdData;

    public byte[] Encode()
    {
        var bytes = new byte[HeaderLength + Payload.Length];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), Stream);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), (uint)Payload.Length);
        Payload.Span.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    /// <summary>The next frame; the channel ending or bytes that are no frame are a <see cref="MigrationWireException"/>.</summary>
    public static async Task<MuxFrame> ReadAsync(Stream s, CancellationToken cancel)
    {
        var header = new byte[HeaderLength];
        await ReadExactlyAsync(s, header, "frame header", cancel);
        var type = (MuxFrameType)header[0];
        if (!Enum.IsDefined(type))
            throw new MigrationWireException($"storage stream: unknown frame type {header[0]}");
        uint stream = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(1));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(5));
        if (length > MigrationWire.MaxChunk)
            throw new MigrationWireException($"storage stream: frame of {length} bytes, more than {MigrationWire.MaxChunk}");
        if (length > 0 && !CarriesData(type))
            throw new MigrationWireException($"storage stream: a {type} frame with {length} bytes of payload");
        var payload = new byte[length];
        await ReadExactlyAsync(s, payload, $"{type} frame of {length} bytes", cancel);
        return new MuxFrame(type, stream, payload);
    }

    private static async Task ReadExactlyAsync(Stream s, Memory<byte> buffer, string what, CancellationToken cancel)
    {
        int at = 0;
        while (at < buffer.Length)
        {
            int n = await s.ReadAsync(buffer[at..], cancel);
            if (n == 0)
                throw new MigrationWireException($"the channel ended inside the storage stream (reading a {what})");
            at += n;
        }
    }
}
