using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Wire;

public class WireTests
{
    [Fact]
    public void HeaderIsFourLittleEndianWords()
    {
        var bytes = XsMessage.Create(XsMessageType.Read, 0x01020304, 7, "/a").ToBytes();
        Assert.Equal(new byte[] { 2, 0, 0, 0, 4, 3, 2, 1, 7, 0, 0, 0, 3, 0, 0, 0, (byte)'/', (byte)'a', 0 }, bytes);
        Assert.Equal(new XsHeader(2, 0x01020304, 7, 3), XsHeader.Read(bytes));
    }

    [Fact]
    public void DecoderReassemblesMessagesSplitAnywhere()
    {
        var stream = Enumerable.Range(0, 50).SelectMany(i => XsMessage.Create(XsMessageType.Write, (uint)i, 0, $"/p/{i}", new string('x', i * 7)).ToBytes()).ToArray();
        var rng = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var decoder = new XsFrameDecoder();
            var output = new List<XsMessage>();
            var at = 0;
            while (at < stream.Length)
            {
                var n = Math.Min(rng.Next(1, 40), stream.Length - at);
                Assert.Equal(XsFrameError.None, decoder.Feed(stream.AsSpan(at, n), output));
                at += n;
            }
            Assert.Equal(50, output.Count);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (uint)i), output.Select(m => m.RequestId));
        }
    }

    [Fact]
    public void OversizedLengthIsAFramingError()
    {
        var header = new byte[16];
        new XsHeader(2, 1, 0, 4097).Write(header);
        var decoder = new XsFrameDecoder();
        Assert.Equal(XsFrameError.PayloadTooLarge, decoder.Feed(header, []));
        Assert.Equal(XsFrameError.PayloadTooLarge, decoder.Feed(new byte[10], []));
    }

    [Fact]
    public void RandomBytesOnlyEverYieldMessagesOrTheTypedError()
    {
        var rng = new Random(99);
        for (var round = 0; round < 5000; round++)
        {
            var data = new byte[rng.Next(0, 300)];
            rng.NextBytes(data);
            // Keep lengths small often enough that whole messages come out too.
            if (data.Length >= 16 && rng.Next(2) == 0) data[13] = data[14] = data[15] = 0;
            var decoder = new XsFrameDecoder();
            var output = new List<XsMessage>();
            var error = decoder.Feed(data, output);
            Assert.True(error is XsFrameError.None or XsFrameError.PayloadTooLarge);
            Assert.All(output, m => Assert.True(m.Payload.Length <= XsHeader.PayloadMax));
        }
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/local/domain/0", true)]
    [InlineData("/a-b_c@d", true)]
    [InlineData("", false)]
    [InlineData("a", false)]
    [InlineData("/a/", false)]
    [InlineData("/a//b", false)]
    [InlineData("/a b", false)]
    [InlineData("/ä", false)]
    public void PathRules(string path, bool valid) => Assert.Equal(valid, StorePath.IsValidNode(path, 0, StorePath.AbsoluteMax));

    [Fact]
    public void PermissionStringsRoundTrip()
    {
        Assert.True(NodePermissions.TryParse(["n0", "r5", "w6", "b7"], out var p));
        Assert.Equal("n0,r5,w6,b7", p!.ToString());
        Assert.Equal("n0\0r5\0w6\0b7\0"u8.ToArray(), p.ToWire());
        Assert.False(NodePermissions.TryParse(["x0"], out _));
        Assert.False(NodePermissions.TryParse(["r-1"], out _));
        Assert.False(NodePermissions.TryParse(["r99999999999"], out _));
        Assert.False(NodePermissions.TryParse([], out _));
    }

    [Fact]
    public void RandomRequestsAtTheEngineOnlyGiveRepliesOrErrnos()
    {
        var engine = new Xeno.Store.Engine.XenStoreEngine();
        engine.CreateDefaultTree();
        var sessions = new[] { engine.Connect(0), engine.Connect(0) };
        var rng = new Random(4242);
        var words = new[] { "/", "a", "b", "@releaseDomain", "T", "F", "r0", "b3", "1", "3", "" };
        engine.Process(sessions[0], XsMessage.Create(XsMessageType.Introduce, 1, 0, "3", "0", "0"));
        var guest = engine.Connect(3);
        for (var i = 0; i < 20000; i++)
        {
            var args = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => rng.Next(3) == 0 ? "/a/" + words[rng.Next(words.Length)] : words[rng.Next(words.Length)]).ToArray();
            var session = rng.Next(3) switch { 0 => guest, 1 => sessions[1], _ => sessions[0] };
            if (session.Closed) session = sessions[0];
            var request = XsMessage.Create((XsMessageType)rng.Next(0, 28), (uint)i, (uint)rng.Next(0, 3), args);
            var outcome = engine.Process(session, request);
            var reply = outcome.ReplyTo(session);
            Assert.NotNull(reply);
            Assert.Equal((uint)i, reply.RequestId);
            if (reply.Type == XsMessageType.Error)
                Assert.True(Enum.TryParse<XsErrno>(System.Text.Encoding.ASCII.GetString(reply.Payload).TrimEnd('\0'), out _));
        }
        Assert.Equal(0, engine.InternalErrors);
        Assert.Null(engine.CheckInvariants());
    }
}
