using System.IO.Pipelines;
using Xeno.Migration.Wire;

namespace Xeno.Migration.Tests;

/// <summary>
/// xl migrate --copy-storage's relay: a sending and a receiving relay joined by a channel (two
/// pipes), QEMU's stream and several NBD connections at once. Every NBD "server" at the receiver
/// answers each byte it reads with that byte plus one, so the clients at the sender check both
/// directions; the migration stream arrives whole and in order; both relays end and the channel
/// is left right after their End frames (the next message reads intact).
/// </summary>
public sealed class StorageRelayTests
{
    /// <summary>One end of a two-pipe connection: reads one pipe, writes the other, can end its sending half.</summary>
    private sealed class End(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _in = reader.AsStream(), _out = writer.AsStream();
        public void Complete() => writer.Complete();
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => _out.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => _out.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => _in.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _in.ReadAsync(buffer, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => _out.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _out.WriteAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static (End A, End B) Connected()
    {
        var ab = new Pipe();
        var ba = new Pipe();
        return (new End(ba.Reader, ab.Writer), new End(ab.Reader, ba.Writer));
    }

    private static RelayConnection Relayed(End e) => new(e, e.Complete);

    /// <summary>No (more) NBD connections: waits until the relay stops accepting.</summary>
    private static async Task<RelayConnection> NeverAsync(CancellationToken t)
    {
        await Task.Delay(Timeout.Infinite, t);
        throw new InvalidOperationException("unreachable");
    }

    private static async Task<byte[]> ReadAllAsync(Stream s, CancellationToken cancel)
    {
        var copy = new MemoryStream();
        await s.CopyToAsync(copy, cancel);
        return copy.ToArray();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public async Task Qemu_stream_and_nbd_connections_cross_whole_and_both_relays_end(int seed, int connections)
    {
        var cancel = TestContext.Current.CancellationToken;
        var random = new Random(seed);
        var (senderChannel, receiverChannel) = Connected();

        // The sender's QEMU: NBD clients first (the mirrors), then its migration stream.
        var qemu = new byte[random.Next(1, 3 * MigrationWire.MaxChunk)];
        random.NextBytes(qemu);
        var (qemuAtSender, qemuSide) = Connected();
        var clients = Enumerable.Range(0, connections).Select(_ => Connected()).ToList();
        var accepts = new Queue<End>(clients.Select(c => c.A));
        Task<RelayConnection> Accept(CancellationToken t) =>
            accepts.TryDequeue(out var next) ? Task.FromResult(Relayed(next)) : NeverAsync(t);

        // The receiver's QEMU: its migration socket and an NBD server that answers byte + 1.
        var (qemuAtReceiver, qemuTarget) = Connected();
        var servers = new List<Task>();
        Task<RelayConnection> ConnectNbd(CancellationToken t)
        {
            var (relayEnd, serverEnd) = Connected();
            servers.Add(Task.Run(async () =>
            {
                var buffer = new byte[4096];
                int n;
                while ((n = await serverEnd.ReadAsync(buffer, t)) > 0)
                {
                    for (int i = 0; i < n; i++)
                        buffer[i]++;
                    await serverEnd.WriteAsync(buffer.AsMemory(0, n), t);
                }
                serverEnd.Complete();
            }, t));
            return Task.FromResult(Relayed(relayEnd));
        }

        var sender = StorageRelay.RunSenderAsync(senderChannel, senderChannel, Task.FromResult(Relayed(qemuAtSender)), Accept, _ => { }, cancel);
        var receiver = StorageRelay.RunReceiverAsync(receiverChannel, receiverChannel, _ => Task.FromResult(Relayed(qemuAtReceiver)), ConnectNbd, _ => { }, cancel);

        var mirrors = clients.Select(c => Task.Run(async () =>
        {
            var data = new byte[random.Next(1, 700_000)];
            lock (random)
                random.NextBytes(data);
            var answer = ReadAllAsync(c.B, cancel);
            await c.B.WriteAsync(data, cancel);
            c.B.Complete();
            var got = await answer;
            Assert.Equal(data.Select(b => (byte)(b + 1)).ToArray(), got);
        }, cancel)).ToList();
        await Task.WhenAll(mirrors);
        var arrived = ReadAllAsync(qemuTarget, cancel);
        await qemuSide.WriteAsync(qemu, cancel);
        qemuSide.Complete();

        Assert.Equal(qemu, await arrived);
        await sender.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await receiver.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await Task.WhenAll(servers);

        // The hand-over messages follow the End frames unframed.
        await receiverChannel.WriteAsync(MigrationWire.ReceiverReady, cancel);
        await MigrationWire.ExpectAsync(senderChannel, MigrationWire.ReceiverReady, "ready", cancel);
    }

    [Fact]
    public async Task A_channel_that_ends_midway_fails_the_sender_with_a_clear_error()
    {
        var cancel = TestContext.Current.CancellationToken;
        var (senderChannel, receiverChannel) = Connected();
        var (qemuAtSender, qemuSide) = Connected();
        var sender = StorageRelay.RunSenderAsync(senderChannel, senderChannel, Task.FromResult(Relayed(qemuAtSender)),
            NeverAsync, _ => { }, cancel);
        await qemuSide.WriteAsync(new byte[100_000], cancel);
        // The receiver's side goes away (its xl died): no more frames from it, its end closed.
        receiverChannel.Complete();
        qemuSide.Complete();
        var e = await Assert.ThrowsAsync<MigrationWireException>(() => sender.WaitAsync(TimeSpan.FromSeconds(30), cancel));
        Assert.Contains("the channel ended inside the storage stream", e.Message);
    }

    [Fact]
    public async Task Random_bytes_are_never_read_as_anything_but_frames_or_a_clear_error()
    {
        var cancel = TestContext.Current.CancellationToken;
        var random = new Random(42);
        for (int round = 0; round < 2000; round++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0)
                bytes[0] = (byte)random.Next(1, 7);
            var s = new MemoryStream(bytes);
            try
            {
                while (true)
                {
                    var frame = await MuxFrame.ReadAsync(s, cancel);
                    Assert.True(frame.Payload.Length == 0 || MuxFrame.CarriesData(frame.Type));
                    Assert.True(frame.Payload.Length <= MigrationWire.MaxChunk);
                }
            }
            catch (MigrationWireException)
            {
            }
        }
    }

    [Fact]
    public async Task Frames_round_trip()
    {
        var cancel = TestContext.Current.CancellationToken;
        var s = new MemoryStream();
        s.Write(new MuxFrame(MuxFrameType.NbdData, 7, new byte[] { 1, 2, 3 }).Encode());
        s.Write(new MuxFrame(MuxFrameType.End, 0, default).Encode());
        s.Position = 0;
        var a = await MuxFrame.ReadAsync(s, cancel);
        Assert.Equal((MuxFrameType.NbdData, 7u), (a.Type, a.Stream));
        Assert.Equal(new byte[] { 1, 2, 3 }, a.Payload.ToArray());
        Assert.Equal(MuxFrameType.End, (await MuxFrame.ReadAsync(s, cancel)).Type);
    }
}
