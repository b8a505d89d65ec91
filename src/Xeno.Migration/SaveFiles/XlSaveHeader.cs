using System.Buffers.Binary;
using System.Text;

namespace Xeno.Migration.SaveFiles;

/// <summary>
/// The fixed part of Xen's xl save-file header (xl_saverestore.c): 32 bytes of magic, the
/// byte-order marker and three u32 in the writer's byte order (little-endian here), followed by
/// <see cref="OptionalDataLength"/> bytes of optional data (the domain config).
/// </summary>
public sealed record XlSaveHeader(uint MandatoryFlags, uint OptionalFlags, uint OptionalDataLength)
{
    /// <summary>"Xen saved domain, xl format\n \0 \r": file(1) and Xen's xl recognise a save file by it.</summary>
    public static ReadOnlySpan<byte> Magic => "Xen saved domain, xl format\n \0 \r"u8;

    public const int MagicLength = 32;
    /// <summary>Magic, then byte order, mandatory flags, optional flags, optional data length.</summary>
    public const int Size = MagicLength + 4 * 4;
    public const uint ByteOrderMarker = 0x01020304;

    /// <summary>XL_MANDATORY_FLAG_JSON: the config is libxl's JSON (here: Xeno's domain JSON).</summary>
    public const uint FlagJson = 1u << 0;
    /// <summary>XL_MANDATORY_FLAG_STREAMv2: a libxl migration v2 stream follows (Xen's, not Xeno's).</summary>
    public const uint FlagLibxlStreamV2 = 1u << 1;
    /// <summary>
    /// Xeno's own stream follows (<see cref="Streams.XenoStreamFormat"/>). A mandatory flag, so Xen's
    /// xl refuses a Xeno file with its own "need newer xl" message instead of misreading it.
    /// </summary>
    public const uint FlagXenoStream = 1u << 31;
    public const uint KnownMandatoryFlags = FlagJson | FlagLibxlStreamV2 | FlagXenoStream;

    /// <summary>Xen's restore line: "(new xl fmt info 0x3/0x0/1234)".</summary>
    public string Info => $"0x{MandatoryFlags:x}/0x{OptionalFlags:x}/{OptionalDataLength}";

    /// <summary>The header for a Xeno save file holding <paramref name="configJson"/> (as xl: text plus a NUL, after its u32 length).</summary>
    public static (XlSaveHeader Header, byte[] OptionalData) ForXeno(string configJson)
    {
        var text = Encoding.UTF8.GetBytes(configJson);
        var optional = new byte[4 + text.Length + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(optional, (uint)(text.Length + 1));
        text.CopyTo(optional, 4);
        return (new XlSaveHeader(FlagJson | FlagXenoStream, 0, (uint)optional.Length), optional);
    }

    public byte[] ToBytes()
    {
        var b = new byte[Size];
        Magic.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), ByteOrderMarker);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), MandatoryFlags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(40), OptionalFlags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(44), OptionalDataLength);
        return b;
    }

    /// <summary>
    /// The fixed header from the first <see cref="Size"/> bytes, checked as xl checks it: magic,
    /// then byte order. <paramref name="bytes"/> shorter than the header is libxl's truncation error.
    /// </summary>
    public static XlSaveHeader Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < Size)
            throw SaveFileException.Xen($"libxl: error: libxl_read_exactly: file/stream truncated reading header from {source}",
                $"the file has {bytes.Length} bytes, an xl save-file header needs {Size}");
        if (!bytes[..MagicLength].SequenceEqual(Magic))
            throw SaveFileException.Xen("File has wrong magic number - corrupt or for a different tool?");
        // Xen's text says it all: the marker at offset 32 is not 0x01020304 in this host's order.
        uint order = BinaryPrimitives.ReadUInt32LittleEndian(bytes[32..]);
        if (order != ByteOrderMarker)
            throw SaveFileException.Xen("File has wrong byte order");
        return new XlSaveHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[36..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[44..]));
    }

    /// <summary>xl's check after its "Loading" line: a mandatory flag it does not know stops the restore.</summary>
    public void CheckMandatoryFlags()
    {
        uint bad = MandatoryFlags & ~KnownMandatoryFlags;
        if (bad != 0)
            throw SaveFileException.Xen($"Savefile has mandatory flag(s) 0x{bad:x} which are not supported; need newer xl");
    }

    /// <summary>After the config (where xl would start libxl's stream): only Xeno's stream can be restored.</summary>
    public void CheckXenoStream()
    {
        if ((MandatoryFlags & FlagXenoStream) == 0)
            throw new SaveFileException("Savefile holds Xen's libxl domain stream, not Xeno's: Xeno restores only files saved by Xeno",
                $"mandatory flags 0x{MandatoryFlags:x} lack the Xeno stream flag 0x{FlagXenoStream:x}");
    }

    /// <summary>
    /// The config from the optional data: u32 length, then the text (NUL-terminated). Null when the
    /// optional data is empty. Too little optional data for what it announces is xl's "Savefile truncated.".
    /// </summary>
    public static string? ParseConfig(ReadOnlySpan<byte> optional)
    {
        if (optional.Length == 0)
            return null;
        if (optional.Length < 4)
            throw SaveFileException.Xen("Savefile truncated.", $"optional data is {optional.Length} bytes, too short for the config length (4)");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(optional);
        if (length > (uint)(optional.Length - 4))
            throw SaveFileException.Xen("Savefile truncated.",
                $"config length {length} at offset {Size} exceeds the {optional.Length - 4} bytes of optional data left");
        if (length == 0)
            return null;
        var text = optional.Slice(4, (int)length);
        // xl stores the NUL; a config without it (or with one inside) is damaged.
        int nul = text.IndexOf((byte)0);
        if (nul != text.Length - 1)
            throw new SaveFileException("Savefile config is corrupt",
                $"config text at offset {Size + 4} ({length} bytes) must end with its only NUL byte");
        try
        {
            return new UTF8Encoding(false, true).GetString(text[..^1]);
        }
        catch (DecoderFallbackException)
        {
            throw new SaveFileException("Savefile config is corrupt", $"config text at offset {Size + 4} is not UTF-8");
        }
    }
}
