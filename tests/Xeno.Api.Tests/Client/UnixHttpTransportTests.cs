using System.Net.Sockets;
using System.Text;
using Xeno.Api.Client;

namespace Xeno.Api.Tests.Client;

/// <summary>The transport against a real unix socket whose peer answers with scripted bytes.</summary>
public sealed class UnixHttpTransportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xuht-").FullName;

    private string SocketPath => Path.Combine(_dir, "s.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Accepts one connection, reads the request (head and Content-Length body), lets
    /// <paramref name="answer"/> write the response, then closes. Returns the request text.
    /// </summary>
    private Task<string> Serve(Action<Socket> answer)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(1);
        return Task.Run(() =>
        {
            using (listener)
            using (var peer = listener.Accept())
            {
                var request = new MemoryStream();
                var buffer = new byte[4096];
                while (true)
                {
                    var text = Encoding.ASCII.GetString(request.ToArray());
                    int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end >= 0)
                    {
                        var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal));
                        if (request.Length >= end + 4 + (length is null ? 0 : int.Parse(length["Content-Length: ".Length..]))) break;
                    }
                    int got = peer.Receive(buffer);
                    if (got == 0) break;
                    request.Write(buffer, 0, got);
                }
                answer(peer);
                return Encoding.ASCII.GetString(request.ToArray());
            }
        });
    }

    private static void Write(Socket s, string text) => s.Send(Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task A_get_sends_one_closing_request_and_returns_the_parsed_answer()
    {
        var served = Serve(s => Write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n"));
        var r = new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(30)).Send("GET", "/v1/domains");
        Assert.Equal(200, r.Status);
        Assert.Equal("[]", Encoding.ASCII.GetString(r.Body));
        Assert.Equal("GET /v1/domains HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", await served);
    }

    [Fact]
    public async Task A_post_carries_its_body_with_length_and_type()
    {
        var served = Serve(s => Write(s, "HTTP/1.1 409 Conflict\r\nContent-Length: 5\r\n\r\n{\"a\"}"));
        var r = new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(30)).Send("POST", "/v1/domains/a%2Fb/pause", "{}"u8, "application/json");
        Assert.Equal(409, r.Status);
        Assert.Equal("Conflict", r.Reason);
        Assert.Equal("{\"a\"}", Encoding.ASCII.GetString(r.Body));
        Assert.Equal("POST /v1/domains/a%2Fb/pause HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", await served);
    }

    [Fact]
    public async Task An_answer_written_in_small_pieces_is_put_together()
    {
        var answer = "HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz";
        var served = Serve(s =>
        {
            foreach (var c in answer)
            {
                Write(s, c.ToString());
                Thread.Sleep(1);
            }
        });
        var r = new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(30)).Send("GET", "/v1/host");
        Assert.Equal("abcdefghijklmnopqrstuvwxyz", Encoding.ASCII.GetString(r.Body));
        await served;
    }

    [Fact]
    public void No_listener_is_unreachable()
    {
        var e = Assert.Throws<UnixHttpException>(() => new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(5)).Send("GET", "/v1/host"));
        Assert.Equal(UnixHttpFailure.Unreachable, e.Failure);
        Assert.Contains(SocketPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_that_never_answers_runs_into_the_deadline()
    {
        using var release = new ManualResetEventSlim();
        var served = Serve(_ => release.Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<UnixHttpException>(() => new UnixHttpTransport(SocketPath, TimeSpan.FromMilliseconds(300)).Send("GET", "/v1/host"));
        release.Set();
        Assert.Equal(UnixHttpFailure.Timeout, e.Failure);
        await served;
    }

    [Fact]
    public async Task A_peer_that_closes_mid_body_is_a_protocol_failure()
    {
        var served = Serve(s => Write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        var e = Assert.Throws<UnixHttpException>(() => new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(30)).Send("GET", "/v1/host"));
        Assert.Equal(UnixHttpFailure.Protocol, e.Failure);
        Assert.Contains("closed after 3 of 10 body bytes", e.Message, StringComparison.Ordinal);
        await served;
    }

    [Theory]
    [InlineData("GET", "v1/host")]
    [InlineData("GET", "/v1/a b")]
    [InlineData("G T", "/v1/host")]
    public void Requests_that_would_break_the_request_line_are_refused_before_connecting(string method, string target)
    {
        Assert.Throws<ArgumentException>(() => new UnixHttpTransport(SocketPath, TimeSpan.FromSeconds(5)).Send(method, target));
    }
}
