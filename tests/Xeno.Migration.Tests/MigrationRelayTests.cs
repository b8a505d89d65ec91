using System.IO.Pipelines;
using Xeno.Migration.Wire;

namespace Xeno.Migration.Tests;

/// <summary>
/// The chunk relay overlaps reading and writing (two buffers per side): with both ends running
/// at once over a pipe, QEMU's side reading in random sizes and the sink copying its bytes only
/// after a delay (a buffer reused too early would corrupt the copy), the stream arrives whole and in order.
/// </summary>
public sealed class MigrationRelayTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Overlapped_relay_delivers_every_byte_in_order(int seed)
    {
        var cancel = TestContext.Current.CancellationToken;
        var random = new Random(seed);
        var qemu = new byte[2 * MigrationWire.MaxChunk + random.Next(1, MigrationWire.MaxChunk)];
        random.NextBytes(qemu);
        var pipe = new Pipe();
        var sink = new LateCopySink(new Random(seed + 100));
        long sent = 0, received = 0;
        var send = Task.Run(async () =>
        {
            await using var channel = pipe.Writer.AsStream();
            await MigrationWire.SendChunksAsync(new TrickleSource(qemu, new Random(seed + 200)), channel, n => sent = n, cancel);
        }, cancel);
        var receive = Task.Run(async () =>
        {
            await using var channel = pipe.Reader.AsStream();
            received = await MigrationWire.ReceiveChunksAsync(channel, sink, _ => { }, cancel);
        }, cancel);
        await Task.WhenAll(send, receive);
        Assert.Equal(qemu.Length, sent);
        Assert.Equal(qemu.Length, received);
        Assert.Equal(qemu, sink.Copy.ToArray());
    }

    /// <summary>Reads of random sizes (at most 300 KiB), each after a yield.</summary>
    private sealed class TrickleSource(byte[] data, Random random) : Stream
    {
        private int _at;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            int n = Math.Min(Math.Min(buffer.Length, random.Next(1, 300 * 1024)), data.Length - _at);
            data.AsMemory(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Copies what it is given only after a short delay, as a slow socket would still be sending it.</summary>
    private sealed class LateCopySink(Random random) : Stream
    {
        public MemoryStream Copy { get; } = new();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(random.Next(0, 3), cancellationToken);
            Copy.Write(buffer.Span);
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
