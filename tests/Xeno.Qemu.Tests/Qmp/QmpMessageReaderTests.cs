using System.Diagnostics;
using System.Text;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Tests.Qmp;

public class QmpMessageReaderTests
{
    /// <summary>Hands out its bytes in reads of random sizes, as a socket may.</summary>
    private sealed class ChunkedStream(byte[] data, Random random, int maxChunk) : Stream
    {
        private int _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, random.Next(1, maxChunk + 1)), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
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

    private static async Task<List<QmpMessage>> ReadAll(QmpMessageReader reader)
    {
        var messages = new List<QmpMessage>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken) is { } m)
            messages.Add(m);
        return messages;
    }

    [Fact]
    public async Task SplitsCrLfLinesDeliveredByteByByte()
    {
        var text = string.Join("\r\n", QmpMessageParserTests.Samples) + "\r\n\r\n";
        var reader = new QmpMessageReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), new Random(1), 1));
        var messages = await ReadAll(reader);
        Assert.Equal(QmpMessageParserTests.Samples.Length, messages.Count);
        Assert.IsType<QmpGreeting>(messages[0]);
        Assert.IsType<QmpEvent>(messages[^1]);
    }

    [Fact]
    public async Task EofInsideAMessageIsAProtocolError()
    {
        var reader = new QmpMessageReader(new MemoryStream(Encoding.UTF8.GetBytes("{\"return\": {}}\r\n{\"ret")));
        Assert.IsType<QmpReturn>(await reader.ReadAsync(TestContext.Current.CancellationToken));
        var error = await Assert.ThrowsAsync<QmpProtocolException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("connection closed in the middle of a QMP message: {\"ret", error.Message);
    }

    [Fact]
    public async Task OverlongLineIsRefusedWithoutReadingItAll()
    {
        var reader = new QmpMessageReader(new MemoryStream(new byte[10_000]), maxLineBytes: 1024);
        var error = await Assert.ThrowsAsync<QmpProtocolException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("QMP message longer than 1024 bytes without a line end", error.Message);
    }

    [Fact]
    public async Task RandomStreamsEndInMessagesOrProtocolErrors()
    {
        var random = new Random(99);
        var watch = Stopwatch.StartNew();
        int streams = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out int n) && n > 0 ? n / 10 : 2_000;
        int clean = 0, refused = 0;
        for (int i = 0; i < streams; i++)
        {
            var data = new List<byte>();
            int lines = random.Next(1, 6);
            for (int l = 0; l < lines; l++)
            {
                var sample = Encoding.UTF8.GetBytes(QmpMessageParserTests.Samples[random.Next(QmpMessageParserTests.Samples.Length)]);
                data.AddRange(random.Next(3) == 0 ? QmpMessageParserTests.Mutate(random, sample) : sample);
                if (random.Next(10) != 0)
                    data.AddRange("\r\n"u8.ToArray());
            }
            if (random.Next(5) == 0)
                data.AddRange(QmpMessageParserTests.RandomBytes(random));
            var reader = new QmpMessageReader(new ChunkedStream([.. data], random, 64), maxLineBytes: 4096);
            try
            {
                await ReadAll(reader);
                clean++;
            }
            catch (QmpProtocolException)
            {
                refused++;
            }
        }
        Assert.True(clean > 50 && refused > 50, $"{clean} clean, {refused} refused");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }
}
