using System.Text;
using Xeno.Migration.Streams;

namespace Xeno.Migration.SaveFiles;

/// <summary>
/// How a save file is written, decided before anything is written: the bytes before QEMU's
/// stream (<see cref="Prefix"/>: xl header, config, Xeno stream header, domain state, the QEMU
/// record's header with length 0), QEMU's stream appended by QEMU itself, then
/// <see cref="LengthPatch"/> written at <see cref="QemuLengthFieldOffset"/> and
/// <see cref="Trailer"/> appended. A file whose save never finished keeps length 0 and is refused.
/// </summary>
public sealed class SaveFileLayout
{
    private SaveFileLayout(XlSaveHeader header, byte[] prefix)
    {
        Header = header;
        Prefix = prefix;
    }

    public XlSaveHeader Header { get; }
    public byte[] Prefix { get; }
    /// <summary>Where QEMU's stream starts.</summary>
    public long QemuOffset => Prefix.Length;
    public long QemuLengthFieldOffset => Prefix.Length - XenoStreamFormat.RecordHeaderSize + XenoStreamFormat.LengthFieldOffset;

    public static SaveFileLayout For(string configJson, string domainStateJson)
    {
        var (header, optional) = XlSaveHeader.ForXeno(configJson);
        var state = Encoding.UTF8.GetBytes(domainStateJson);
        byte[] prefix =
        [
            .. header.ToBytes(),
            .. optional,
            .. XenoStreamFormat.StreamHeader(),
            .. XenoStreamFormat.RecordHeader(XenoRecordType.DomainState, state.Length),
            .. state,
            .. XenoStreamFormat.RecordHeader(XenoRecordType.QemuState, 0),
        ];
        return new SaveFileLayout(header, prefix);
    }

    /// <summary>The QEMU record's real length, once QEMU's stream ended at <paramref name="fileLength"/>.</summary>
    public byte[] LengthPatch(long fileLength)
    {
        long length = fileLength - QemuOffset;
        if (length <= 0)
            throw new InvalidOperationException($"QEMU wrote nothing after offset {QemuOffset} (file is {fileLength} bytes)");
        return XenoStreamFormat.LengthField(length);
    }

    public static byte[] Trailer() => XenoStreamFormat.RecordHeader(XenoRecordType.End, 0);
}
