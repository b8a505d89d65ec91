using System.Buffers.Binary;
using Xeno.Migration.Streams;
using Xeno.Migration.Wire;

namespace Xeno.Migration.Tests;

public class MigrationWireTests
{
    private static readonly string StateJson = new DomainStateRecord("web", Guid.Parse("11111111-2222-3333-4444-555555555555"),
        """{"name":"web"}""", Paused: false, TargetKb: 131072, MaxMemKb: 262144).ToJson();

    private const string Config = """{"name":"web","memory":128}""";

    /// <summary>Prefix, a QEMU stream of <paramref name="qemu"/> chunked, then the sender's next message.</summary>
    private static byte[] Wire(byte[] qemu)
    {
        var channel = new MemoryStream();
        channel.Write(MigrationWire.Prefix(Config, StateJson));
        MigrationWire.SendChunksAsync(new MemoryStream(qemu), channel, _ => { }, CancellationToken.None).GetAwaiter().GetResult();
        channel.Write(MigrationWire.PermissionToGo.Span);
        return channel.ToArray();
    }

    [Fact]
    public async Task Prefix_and_chunks_round_trip_and_leave_the_next_message_unread()
    {
        var qemu = new byte[3 * MigrationWire.MaxChunk + 12345];
        new Random(7).NextBytes(qemu);
        var input = new MemoryStream(Wire(qemu));
        var lines = new List<string>();
        var prefix = await MigrationWire.ReadPrefixAsync(input, lines.Add, TestContext.Current.CancellationToken);
        Assert.Equal(Config, prefix.ConfigJson);
        Assert.Equal(StateJson, prefix.DomainStateJson);
        Assert.StartsWith("Loading new save file <incoming migration stream> (new xl fmt info 0x80000001/0x0/", lines[0]);
        Assert.Equal(" Savefile contains xl domain config in JSON format", lines[1]);
        var copy = new MemoryStream();
        long total = await MigrationWire.ReceiveChunksAsync(input, copy, _ => { }, TestContext.Current.CancellationToken);
        Assert.Equal(qemu.Length, total);
        Assert.Equal(qemu, copy.ToArray());
        await MigrationWire.ExpectAsync(input, MigrationWire.PermissionToGo, "permission", TestContext.Current.CancellationToken);
        Assert.Equal(-1, input.ReadByte());
    }

    [Fact]
    public async Task Xens_messages_are_c_strings_with_their_nul()
    {
        Assert.Equal("xl migration receiver ready, send binary domain data.\n\0"u8.ToArray(), MigrationWire.Banner.ToArray());
        var e = await Assert.ThrowsAsync<MigrationWireException>(() =>
            MigrationWire.ExpectAsync(new MemoryStream("domain received, ready to unpaus"u8.ToArray()), MigrationWire.ReceiverReady, "ready message",
                TestContext.Current.CancellationToken));
        Assert.Contains("closed the connection before the ready message", e.Message);
        e = await Assert.ThrowsAsync<MigrationWireException>(() =>
            MigrationWire.ExpectAsync(new MemoryStream("nope, something else entirely here\0"u8.ToArray()), MigrationWire.ReceiverReady, "ready message",
                TestContext.Current.CancellationToken));
        Assert.Contains("expected the ready message, got \"nope", e.Message);
    }

    [Fact]
    public async Task An_oversized_chunk_is_refused_by_name()
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, MigrationWire.MaxChunk + 1);
        var e = await Assert.ThrowsAsync<MigrationWireException>(() =>
            MigrationWire.ReceiveChunksAsync(new MemoryStream(bytes), Stream.Null, _ => { }, TestContext.Current.CancellationToken));
        Assert.Contains($"a chunk of {MigrationWire.MaxChunk + 1} bytes", e.Message);
    }

    /// <summary>Any damaged or cut stream is read or refused with a MigrationWireException: never another exception, never a hang.</summary>
    [Fact]
    public async Task Random_damage_and_truncation_give_clear_errors_only()
    {
        var qemu = new byte[5000];
        new Random(3).NextBytes(qemu);
        var good = Wire(qemu);
        var rng = new Random(4321);
        for (int i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])good.Clone();
            switch (rng.Next(3))
            {
                case 0:
                    bytes = bytes[..rng.Next(bytes.Length)];
                    break;
                case 1:
                    for (int k = rng.Next(1, 4); k > 0; k--)
                        bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    break;
                default:
                    bytes = new byte[rng.Next(300)];
                    rng.NextBytes(bytes);
                    break;
            }
            var input = new MemoryStream(bytes);
            try
            {
                await MigrationWire.ReadPrefixAsync(input, _ => { }, TestContext.Current.CancellationToken);
                long n = await MigrationWire.ReceiveChunksAsync(input, Stream.Null, _ => { }, TestContext.Current.CancellationToken);
                Assert.InRange(n, 0, bytes.Length);
            }
            catch (MigrationWireException)
            {
            }
        }
    }
}
