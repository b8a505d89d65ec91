using System.Text;
using Xeno.Api.Client;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// The hand-written client handshake of the console attach for a reader thread: the accept key
/// of RFC 6455's own example, a real answer's head accepted, every way an answer can fail named,
/// and random and mutated heads read to an answer, never an exception.
/// </summary>
public sealed class WebSocketHandshakeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Valid(string extra = "") =>
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nDate: Sun, 06 Dec 2026 21:00:00 GMT\r\nServer: Kestrel\r\n" +
        $"Upgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n{extra}\r\n";

    private static WebSocketHandshake.Answer Read(string head) => WebSocketHandshake.Read(Encoding.ASCII.GetBytes(head), Key);

    [Fact]
    public void TheAcceptKeyIsTheRfcsExample()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptFor(Key));
    }

    [Fact]
    public void TheRequestAsksForAnUpgradeWithTheKeyAndNothingElse()
    {
        var request = Encoding.ASCII.GetString(WebSocketHandshake.Request("xenod", "/v1/domains/web/console/attach", Key));
        Assert.Equal("GET /v1/domains/web/console/attach HTTP/1.1\r\nHost: xenod\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
                     $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n\r\n", request);
        Assert.Equal(request.Length, WebSocketHandshake.HeadEnd(Encoding.ASCII.GetBytes(request + "\x81\x01q")));
        Assert.Equal(-1, WebSocketHandshake.HeadEnd(Encoding.ASCII.GetBytes(request[..^2])));
    }

    [Fact]
    public void AnAcceptingAnswerHolds()
    {
        Assert.Equal(new WebSocketHandshake.Answer(101, null), Read(Valid()));
        // Header names in any case, a Connection list, spaces around values.
        Assert.Equal(new WebSocketHandshake.Answer(101, null), Read(
            "HTTP/1.1 101 Switching Protocols\r\nconnection:keep-alive, upgrade\r\nUPGRADE:  WebSocket \r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
    }

    [Theory]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 404, "the server answered 404 instead of switching protocols")]
    [InlineData("HTTP/1.1 409 Conflict\r\n\r\n", 409, "the server answered 409 instead of switching protocols")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n", 0, "the answer's status line is not HTTP's: \"SSH-2.0-OpenSSH_9.2\"")]
    [InlineData("HTTP/1.1 1O1 Switching\r\n\r\n", 0, "the answer's status line is not HTTP's: \"HTTP/1.1 1O1 Switching\"")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", 101, "the 101 answer does not upgrade to websocket")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", 101, "the 101 answer's Connection header does not say Upgrade")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n", 101, "the 101 answer's Sec-WebSocket-Accept does not match the key")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 101, "the 101 answer's Sec-WebSocket-Accept does not match the key")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nno colon here\r\n\r\n", 101, "the answer's header line \"no colon here\" has no name")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: web\u0001socket\r\n\r\n", 0, "the answer head holds byte 0x01")]
    public void AFailingAnswerIsNamed(string head, int status, string problem)
    {
        Assert.Equal(new WebSocketHandshake.Answer(status, problem), Read(head));
    }

    /// <summary>
    /// The frames' settings are the client's and the server's defaults only while nothing else was
    /// negotiated: an extension (compression) or a subprotocol in the answer, never asked for, is refused.
    /// </summary>
    [Theory]
    [InlineData("Sec-WebSocket-Extensions: permessage-deflate\r\n", "Sec-WebSocket-Extensions")]
    [InlineData("Sec-WebSocket-Protocol: chat\r\n", "Sec-WebSocket-Protocol")]
    public void AnExtensionOrSubprotocolNotAskedForIsRefused(string header, string name)
    {
        var answer = Read(Valid(header));
        Assert.Equal(101, answer.Status);
        Assert.StartsWith($"the server chose {name} ", answer.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeadLongerThanTheLimitIsRefused()
    {
        var head = Valid("X-Pad: " + new string('a', WebSocketHandshake.MaxHead) + "\r\n");
        Assert.Equal(new WebSocketHandshake.Answer(0, $"the answer head is longer than {WebSocketHandshake.MaxHead} bytes"), Read(head));
    }

    [Fact]
    public void RandomAndMutatedHeadsGiveAnAnswerNeverAnException()
    {
        var random = new Random(20261206);
        var valid = Encoding.ASCII.GetBytes(Valid());
        int held = 0;
        for (int i = 0; i < 20000; i++)
        {
            byte[] head;
            if (i % 4 == 0)
            {
                head = new byte[random.Next(0, 300)];
                random.NextBytes(head);
            }
            else
            {
                var bytes = valid.ToList();
                for (int m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
                {
                    int at = random.Next(bytes.Count);
                    switch (random.Next(4))
                    {
                        case 0: bytes[at] = (byte)random.Next(256); break;
                        case 1: bytes.RemoveAt(at); break;
                        case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                        default: bytes.RemoveRange(at, bytes.Count - at); break;
                    }
                }
                head = [.. bytes];
            }
            var answer = WebSocketHandshake.Read(head, Key);
            if (answer.Problem is null)
            {
                Assert.Equal(101, answer.Status);
                held++;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(answer.Problem));
            }
        }
        // Some mutations (a header's value's case, a Date digit) leave a valid answer.
        Assert.InRange(held, 1, 19999);
    }
}
