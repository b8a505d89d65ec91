using System.Buffers.Binary;
using System.Text;
using Xeno.Migration.SaveFiles;
using Xeno.Migration.Streams;

namespace Xeno.Migration.Wire;

/// <summary>A migration stream that is damaged, cut short, or not what the other side should send.</summary>
public sealed class MigrationWireException(string message) : Exception(message);

/// <summary>What the receiver reads before QEMU's data: the xl header's info, the config and the domain state.</summary>
public sealed record MigrationPrefix(XlSaveHeader Header, string? ConfigJson, string DomainStateJson);

/// <summary>
/// xl migrate's byte stream between sender and receiver (docs/migration.md). Xen's fixed messages
/// as Xen's xl sends them (C strings with their NUL); the domain goes as a save file's prefix
/// (xl header, config, Xeno stream header, domain state, a QEMU record header of length 0), then
/// QEMU's live stream in chunks (u32 little-endian length, bytes; length 0 ends it), because the
/// hand-over messages follow on the same channel and the pump does not parse QEMU's stream.
/// </summary>
public static class MigrationWire
{
    public static ReadOnlyMemory<byte> Banner { get; } = "xl migration receiver ready, send binary domain data.\n\0"u8.ToArray();
    public static ReadOnlyMemory<byte> ReceiverReady { get; } = "domain received, ready to unpause\0"u8.ToArray();
    public static ReadOnlyMemory<byte> PermissionToGo { get; } = "domain is yours, you are cleared to unpause\0"u8.ToArray();
    public static ReadOnlyMemory<byte> Report { get; } = "my copy unpause results are as follows\0"u8.ToArray();

    /// <summary>Bound on one chunk, so a damaged length cannot ask for gigabytes.</summary>
    public const int MaxChunk = 1 << 20;

    /// <summary>Reads exactly <paramref name="expected"/>; anything else (other bytes, end of stream) names <paramref name="what"/>.</summary>
    public static async Task ExpectAsync(Stream s, ReadOnlyMemory<byte> expected, string what, CancellationToken cancel)
    {
        var got = new byte[expected.Length];
        int n = await ReadUpToAsync(s, got, cancel);
        if (n < got.Length)
            throw new MigrationWireException($"the other side closed the connection before the {what} (got {n} of {got.Length} bytes)");
        if (!got.AsSpan().SequenceEqual(expected.Span))
            throw new MigrationWireException($"expected the {what}, got \"{Printable(got)}\"");
    }

    /// <summary>The sender's prefix: a save file's first records, the QEMU record announcing chunks (length 0).</summary>
    public static byte[] Prefix(string configJson, string domainStateJson) => SaveFileLayout.For(configJson, domainStateJson).Prefix;

    /// <summary>Reads and checks the prefix, telling <paramref name="say"/> Xen's "Loading new save file" lines.</summary>
    public static async Task<MigrationPrefix> ReadPrefixAsync(Stream s, Action<string> say, CancellationToken cancel)
    {
        const string source = "<incoming migration stream>";
        var fixedPart = await ReadExactlyAsync(s, XlSaveHeader.Size, "the xl header", cancel);
        XlSaveHeader header;
        try
        {
            header = XlSaveHeader.Parse(fixedPart, source);
            say($"Loading new save file {source} (new xl fmt info {header.Info})");
            header.CheckMandatoryFlags();
            if (header.OptionalDataLength > XenoStreamFormat.MaxJsonRecord)
                throw new MigrationWireException($"the xl header announces {header.OptionalDataLength} bytes of config, more than {XenoStreamFormat.MaxJsonRecord}");
            var optional = await ReadExactlyAsync(s, (int)header.OptionalDataLength, "the config", cancel);
            if (optional.Length > 0)
                say(" Savefile contains xl domain config" + ((header.MandatoryFlags & XlSaveHeader.FlagJson) != 0 ? " in JSON format" : ""));
            var config = XlSaveHeader.ParseConfig(optional);
            header.CheckXenoStream();

            var streamHeader = await ReadExactlyAsync(s, XenoStreamFormat.StreamHeaderSize, "the Xeno stream header", cancel);
            if (!streamHeader.AsSpan(0, 8).SequenceEqual(XenoStreamFormat.Magic))
                throw new MigrationWireException("no Xeno stream after the xl header");
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(streamHeader.AsSpan(8));
            if (version != XenoStreamFormat.Version)
                throw new MigrationWireException($"Xeno stream version {version} is not supported (this xl speaks {XenoStreamFormat.Version})");

            var (type, length) = await ReadRecordHeaderAsync(s, cancel);
            if (type != XenoRecordType.DomainState)
                throw new MigrationWireException($"expected the domain state record, got a {XenoStreamFormat.Describe(type)} record");
            if (length > XenoStreamFormat.MaxJsonRecord)
                throw new MigrationWireException($"the domain state record is {length} bytes, more than {XenoStreamFormat.MaxJsonRecord}");
            var stateBytes = await ReadExactlyAsync(s, (int)length, "the domain state", cancel);
            string state;
            try
            {
                state = new UTF8Encoding(false, true).GetString(stateBytes);
            }
            catch (DecoderFallbackException)
            {
                throw new MigrationWireException("the domain state record is not UTF-8");
            }
            var (qtype, qlength) = await ReadRecordHeaderAsync(s, cancel);
            if (qtype != XenoRecordType.QemuState || qlength != 0)
                throw new MigrationWireException($"expected the QEMU record announcing chunks, got a {XenoStreamFormat.Describe(qtype)} record of length {qlength}");
            return new MigrationPrefix(header, config, state);
        }
        catch (SaveFileException e)
        {
            throw new MigrationWireException(e.Detail is null ? e.Message : $"{e.Message} ({e.Detail})");
        }
    }

    /// <summary>
    /// Sender: QEMU's stream from <paramref name="qemu"/> to the channel in chunks, then the end chunk.
    /// The next read from QEMU runs while the previous chunk is written (two buffers), so neither
    /// side waits for the other on every chunk.
    /// </summary>
    public static async Task SendChunksAsync(Stream qemu, Stream channel, Action<long> progress, CancellationToken cancel)
    {
        byte[][] buffers = [new byte[4 + MaxChunk], new byte[4 + MaxChunk]];
        int cur = 0;
        long total = 0;
        var read = qemu.ReadAsync(buffers[cur].AsMemory(4, MaxChunk), cancel).AsTask();
        while (true)
        {
            int n = await read;
            var buffer = buffers[cur];
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)n);
            if (n == 0)
            {
                await channel.WriteAsync(buffer.AsMemory(0, 4), cancel);
                await channel.FlushAsync(cancel);
                return;
            }
            cur = 1 - cur;
            read = qemu.ReadAsync(buffers[cur].AsMemory(4, MaxChunk), cancel).AsTask();
            await channel.WriteAsync(buffer.AsMemory(0, 4 + n), cancel);
            total += n;
            progress(total);
        }
    }

    /// <summary>
    /// Receiver: chunks from the channel into <paramref name="qemu"/> up to the end chunk; returns the
    /// bytes copied. The next chunk is read while the previous one is written to QEMU (two buffers);
    /// writes stay in order, and the last one has ended when this returns.
    /// </summary>
    public static async Task<long> ReceiveChunksAsync(Stream channel, Stream qemu, Action<long> progress, CancellationToken cancel)
    {
        byte[][] buffers = [new byte[MaxChunk], new byte[MaxChunk]];
        int cur = 0;
        long total = 0;
        Task write = Task.CompletedTask;
        while (true)
        {
            var header = await ReadExactlyAsync(channel, 4, "a chunk header", cancel);
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (n == 0)
            {
                await write;
                return total;
            }
            if (n > MaxChunk)
                throw new MigrationWireException($"a chunk of {n} bytes after {total} (at most {MaxChunk})");
            // buffers[cur] is free: its last write was awaited before the other buffer's began.
            int got = await ReadUpToAsync(channel, buffers[cur].AsMemory(0, (int)n), cancel);
            if (got < n)
                throw new MigrationWireException($"the stream ends inside a chunk after {total + got} bytes of QEMU's data");
            await write;
            write = qemu.WriteAsync(buffers[cur].AsMemory(0, (int)n), cancel).AsTask();
            cur = 1 - cur;
            total += n;
            progress(total);
        }
    }

    private static async Task<(XenoRecordType Type, ulong Length)> ReadRecordHeaderAsync(Stream s, CancellationToken cancel)
    {
        var h = await ReadExactlyAsync(s, XenoStreamFormat.RecordHeaderSize, "a record header", cancel);
        return ((XenoRecordType)BinaryPrimitives.ReadUInt32LittleEndian(h),
            BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(XenoStreamFormat.LengthFieldOffset)));
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream s, int length, string what, CancellationToken cancel)
    {
        var b = new byte[length];
        int n = await ReadUpToAsync(s, b, cancel);
        if (n < length)
            throw new MigrationWireException($"the stream ends in {what} ({n} of {length} bytes)");
        return b;
    }

    private static async Task<int> ReadUpToAsync(Stream s, Memory<byte> buffer, CancellationToken cancel)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await s.ReadAsync(buffer[total..], cancel);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static string Printable(byte[] b)
    {
        var sb = new StringBuilder();
        foreach (var c in b)
            sb.Append(c is >= 0x20 and < 0x7f ? (char)c : '.');
        return sb.ToString();
    }
}
