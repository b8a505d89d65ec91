using System.Buffers.Binary;
using System.Text;
using Xeno.Migration.Streams;

namespace Xeno.Migration.SaveFiles;

/// <summary>
/// Reads and checks a whole save file without loading QEMU's stream: xl's header checks in xl's
/// order (with its "Loading new save file" line given to <c>say</c> where xl prints it), then every
/// record of Xeno's stream, so a damaged or cut file is refused before anything is created.
/// </summary>
public static class SaveFileReader
{
    public static SaveFile Read(Stream file, string source, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(say);
        var fixedPart = new byte[XlSaveHeader.Size];
        int got = ReadUpTo(file, fixedPart);
        var header = XlSaveHeader.Parse(fixedPart.AsSpan(0, got), source);
        say($"Loading new save file {source} (new xl fmt info {header.Info})");
        header.CheckMandatoryFlags();

        long remaining = file.Length - XlSaveHeader.Size;
        if (header.OptionalDataLength > remaining)
            throw SaveFileException.Xen($"libxl: error: libxl_read_exactly: file/stream truncated reading optdata from {source}",
                $"header announces {header.OptionalDataLength} bytes of optional data, the file has {remaining} after the header");
        var optional = new byte[header.OptionalDataLength];
        file.ReadExactly(optional);
        // xl says so as soon as there is optional data, before it reads the config's length.
        if (optional.Length > 0)
            say(" Savefile contains xl domain config" + ((header.MandatoryFlags & XlSaveHeader.FlagJson) != 0 ? " in JSON format" : ""));
        var config = XlSaveHeader.ParseConfig(optional);
        header.CheckXenoStream();

        return ReadXenoStream(file, header, config);
    }

    private static SaveFile ReadXenoStream(Stream file, XlSaveHeader header, string? config)
    {
        long start = file.Position;
        var streamHeader = new byte[XenoStreamFormat.StreamHeaderSize];
        if (ReadUpTo(file, streamHeader) < streamHeader.Length)
            throw Truncated($"the Xeno stream header at offset {start} needs {streamHeader.Length} bytes");
        if (!streamHeader.AsSpan(0, 8).SequenceEqual(XenoStreamFormat.Magic))
            throw new SaveFileException("Savefile is corrupt: no Xeno stream after the xl header",
                $"expected \"XENOSTRM\" at offset {start}");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(streamHeader.AsSpan(8));
        if (version > XenoStreamFormat.Version)
            throw new SaveFileException($"Savefile has Xeno stream version {version} which is not supported; need newer xl",
                $"this xl reads version {XenoStreamFormat.Version}");
        if (version == 0)
            throw new SaveFileException("Savefile is corrupt: Xeno stream version 0", $"at offset {start + 8}");

        string? state = null;
        long qemuOffset = -1, qemuLength = 0;
        var recordHeader = new byte[XenoStreamFormat.RecordHeaderSize];
        while (true)
        {
            long at = file.Position;
            if (ReadUpTo(file, recordHeader) < recordHeader.Length)
                throw Truncated($"a record header at offset {at} needs {recordHeader.Length} bytes; the file ends at {file.Length}");
            var type = (XenoRecordType)BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
            ulong rawLength = BinaryPrimitives.ReadUInt64LittleEndian(recordHeader.AsSpan(XenoStreamFormat.LengthFieldOffset));
            long body = at + recordHeader.Length;
            long left = file.Length - body;
            string what = $"{XenoStreamFormat.Describe(type)} record at offset {at}";
            if (rawLength > (ulong)left)
                throw Truncated($"{what} announces {rawLength} bytes, {left} are left");
            long length = (long)rawLength;
            switch (type)
            {
                case XenoRecordType.End:
                    if (length != 0)
                        throw Corrupt($"{what} has length {length}, must be 0");
                    if (state is null)
                        throw Corrupt($"the stream ends at offset {at} without a domain state record");
                    if (qemuOffset < 0)
                        throw Corrupt($"the stream ends at offset {at} without a QEMU state record");
                    return new SaveFile(header, config, state, qemuOffset, qemuLength);
                case XenoRecordType.DomainState:
                    if (state is not null)
                        throw Corrupt($"second {what}");
                    if (length > XenoStreamFormat.MaxJsonRecord)
                        throw Corrupt($"{what} is {length} bytes, more than the {XenoStreamFormat.MaxJsonRecord} a domain state may have");
                    var bytes = new byte[length];
                    file.ReadExactly(bytes);
                    try
                    {
                        state = new UTF8Encoding(false, true).GetString(bytes);
                    }
                    catch (DecoderFallbackException)
                    {
                        throw Corrupt($"{what} is not UTF-8");
                    }
                    break;
                case XenoRecordType.QemuState:
                    if (qemuOffset >= 0)
                        throw Corrupt($"second {what}");
                    // A save that never finished leaves the length it started with.
                    if (length == 0)
                        throw new SaveFileException("Savefile is incomplete: the save did not finish", $"{what} has length 0");
                    qemuOffset = body;
                    qemuLength = length;
                    file.Seek(length, SeekOrigin.Current);
                    break;
                default:
                    throw new SaveFileException($"Savefile has record type {(uint)type} which is not supported; need newer xl", $"at offset {at}");
            }
        }
    }

    private static SaveFileException Truncated(string detail) => SaveFileException.Xen("Savefile truncated.", detail);

    private static SaveFileException Corrupt(string detail) => new("Savefile is corrupt", detail);

    private static int ReadUpTo(Stream s, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer, total, buffer.Length - total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
