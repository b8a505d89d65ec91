using System.Buffers.Binary;
using System.Text;
using Xeno.Migration.SaveFiles;
using Xeno.Migration.Streams;

namespace Xeno.Migration.Tests;

public class SaveFileTests
{
    private const string Config = """{"name":"web","memory":128}""";
    private static readonly byte[] QemuBytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

    private static readonly DomainStateRecord State = new("web", Guid.Parse("11111111-2222-3333-4444-555555555555"),
        """{"name":"web"}""", Paused: false, TargetKb: 131072, MaxMemKb: 262144)
    {
        SoftAffinity = [null, "0-1"], VncPassword = "pw",
    };

    /// <summary>A whole file as the engine writes it: prefix, QEMU's bytes appended, length patched, trailer.</summary>
    internal static byte[] GoodFile()
    {
        var layout = SaveFileLayout.For(Config, State.ToJson());
        var file = new MemoryStream();
        file.Write(layout.Prefix);
        file.Write(QemuBytes);
        file.Position = layout.QemuLengthFieldOffset;
        file.Write(layout.LengthPatch(file.Length));
        file.Position = file.Length;
        file.Write(SaveFileLayout.Trailer());
        return file.ToArray();
    }

    private static (SaveFile File, List<string> Said) Read(byte[] bytes)
    {
        var said = new List<string>();
        return (SaveFileReader.Read(new MemoryStream(bytes), "web.sav", said.Add), said);
    }

    private static SaveFileException Refused(byte[] bytes) =>
        Assert.Throws<SaveFileException>(() => Read(bytes));

    [Fact]
    public void Round_trip_finds_config_state_and_qemu_stream()
    {
        var bytes = GoodFile();
        var (f, said) = Read(bytes);
        Assert.Equal(Config, f.ConfigJson);
        // Lists compare by reference in a record: they are compared apart.
        Assert.Equal(State, DomainStateRecord.FromJson(f.DomainStateJson) with { SoftAffinity = State.SoftAffinity, CopiedDisks = State.CopiedDisks });
        Assert.Empty(DomainStateRecord.FromJson(f.DomainStateJson).CopiedDisks);
        Assert.Equal(State.SoftAffinity, DomainStateRecord.FromJson(f.DomainStateJson).SoftAffinity);
        Assert.Equal(QemuBytes, bytes.AsSpan((int)f.QemuOffset, (int)f.QemuLength).ToArray());
        Assert.Equal([$"Loading new save file web.sav (new xl fmt info 0x80000001/0x0/{Config.Length + 5})",
            " Savefile contains xl domain config in JSON format"], said);
    }

    [Fact]
    public void Header_is_xens_layout()
    {
        var bytes = GoodFile();
        Assert.Equal("Xen saved domain, xl format\n \0 \r", Encoding.ASCII.GetString(bytes, 0, 32));
        Assert.Equal([4, 3, 2, 1], bytes[32..36]);
        Assert.Equal((uint)Config.Length + 1, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(48)));
        Assert.Equal(0, bytes[52 + Config.Length]);
    }

    [Fact]
    public void Wrong_magic_is_xens_message()
    {
        var bytes = GoodFile();
        bytes[3] ^= 0x20;
        Assert.Equal("File has wrong magic number - corrupt or for a different tool?", Refused(bytes).Message);
    }

    [Fact]
    public void Big_endian_file_is_wrong_byte_order()
    {
        var bytes = GoodFile();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(32), XlSaveHeader.ByteOrderMarker);
        Assert.Equal("File has wrong byte order", Refused(bytes).Message);
    }

    [Fact]
    public void Unknown_mandatory_flag_needs_newer_xl_after_the_loading_line()
    {
        var bytes = GoodFile();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), XlSaveHeader.FlagJson | XlSaveHeader.FlagXenoStream | 0x4);
        var said = new List<string>();
        var e = Assert.Throws<SaveFileException>(() => SaveFileReader.Read(new MemoryStream(bytes), "web.sav", said.Add));
        Assert.Equal("Savefile has mandatory flag(s) 0x4 which are not supported; need newer xl", e.Message);
        Assert.Single(said);
    }

    [Fact]
    public void Newer_xeno_stream_version_needs_newer_xl()
    {
        var bytes = GoodFile();
        int stream = XlSaveHeader.Size + Config.Length + 5;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(stream + 8), 2);
        Assert.Equal("Savefile has Xeno stream version 2 which is not supported; need newer xl", Refused(bytes).Message);
    }

    [Fact]
    public void Xen_libxl_stream_is_refused_by_name()
    {
        var bytes = GoodFile();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), XlSaveHeader.FlagJson | XlSaveHeader.FlagLibxlStreamV2);
        Assert.StartsWith("Savefile holds Xen's libxl domain stream", Refused(bytes).Message);
    }

    [Fact]
    public void Short_header_is_libxls_truncation()
    {
        var e = Refused(GoodFile()[..20]);
        Assert.Equal("libxl: error: libxl_read_exactly: file/stream truncated reading header from web.sav", e.Message);
    }

    [Fact]
    public void Config_length_beyond_optional_data_is_savefile_truncated()
    {
        var bytes = GoodFile();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(48), 10_000);
        Assert.Equal("Savefile truncated.", Refused(bytes).Message);
    }

    [Fact]
    public void File_cut_inside_qemu_stream_is_truncated_with_where()
    {
        var bytes = GoodFile();
        var e = Refused(bytes[..(bytes.Length - 100)]);
        Assert.Equal("Savefile truncated.", e.Message);
        Assert.Contains("QEMU state record at offset", e.Detail);
    }

    [Fact]
    public void Unfinished_save_is_refused()
    {
        var layout = SaveFileLayout.For(Config, State.ToJson());
        byte[] bytes = [.. layout.Prefix, .. QemuBytes, .. SaveFileLayout.Trailer()];
        Assert.Equal("Savefile is incomplete: the save did not finish", Refused(bytes).Message);
    }

    /// <summary>
    /// Every damaged or cut version of a good file is either read consistently (offsets inside the
    /// file) or refused with a SaveFileException: never another exception, never a hang.
    /// </summary>
    [Fact]
    public void Random_damage_and_truncation_give_clear_errors_only()
    {
        var good = GoodFile();
        var rng = new Random(1234);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = (byte[])good.Clone();
            switch (rng.Next(4))
            {
                case 0:
                    bytes = bytes[..rng.Next(bytes.Length)];
                    break;
                case 1:
                    for (int k = rng.Next(1, 4); k > 0; k--)
                        bytes[rng.Next(Math.Min(bytes.Length, 400))] = (byte)rng.Next(256);
                    break;
                case 2:
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                default:
                    bytes = new byte[rng.Next(200)];
                    rng.NextBytes(bytes);
                    if (rng.Next(2) == 0 && bytes.Length >= 32)
                        XlSaveHeader.Magic.CopyTo(bytes);
                    break;
            }
            try
            {
                var (f, _) = Read(bytes);
                Assert.InRange(f.QemuOffset + f.QemuLength, 1, bytes.Length);
            }
            catch (SaveFileException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }
    }
}
