using System.Text;
using Xeno.Api.Client;

namespace Xeno.Api.Tests.Client;

public class UnixHttpResponseParserTests
{
    private const int Max = 1 << 20;

    private static UnixHttpResponse? Parse(string raw, bool end = true) =>
        UnixHttpResponseParser.TryParse(Encoding.Latin1.GetBytes(raw), end, Max);

    private static string Body(UnixHttpResponse r) => Encoding.Latin1.GetString(r.Body);

    [Fact]
    public void Content_length_frames_the_body_and_later_bytes_are_ignored()
    {
        var r = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}junk", end: false)!;
        Assert.Equal(200, r.Status);
        Assert.Equal("OK", r.Reason);
        Assert.Equal("application/json", r.Header("content-type"));
        Assert.Equal("{}", Body(r));
    }

    [Fact]
    public void Chunked_body_with_extensions_and_trailers_is_joined()
    {
        var r = Parse("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n", end: false)!;
        Assert.Equal(404, r.Status);
        Assert.Equal("abc0123456789", Body(r));
    }

    [Fact]
    public void Without_framing_the_body_runs_to_the_end_of_the_connection()
    {
        Assert.Null(Parse("HTTP/1.0 200 OK\r\n\r\npartial", end: false));
        Assert.Equal("partial", Body(Parse("HTTP/1.0 200 OK\r\n\r\npartial")!));
    }

    [Fact]
    public void No_content_has_no_body_and_informational_responses_are_skipped()
    {
        var r = Parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", end: false)!;
        Assert.Equal(204, r.Status);
        Assert.Empty(r.Body);
        Assert.Equal("", Parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")!.Reason);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF")]
    [InlineData("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "folded header")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "conflicting Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "both Transfer-Encoding and Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", "closed after 2 of 4 body bytes")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "chunk data not followed by CRLF")]
    [InlineData("HTTP/2 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n", "out of range")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "invalid character in header name")]
    [InlineData("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "without a name and colon")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\u0001b\r\n\r\n", "control character in the value of header X")]
    [InlineData("", "closed without a response")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-", "closed in the response header")]
    public void Malformed_responses_are_refused_naming_the_problem(string raw, string problem)
    {
        var e = Assert.Throws<UnixHttpException>(() => Parse(raw));
        Assert.Equal(UnixHttpFailure.Protocol, e.Failure);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bodies_and_headers_past_their_limits_are_refused()
    {
        var body = Assert.Throws<UnixHttpException>(() =>
            UnixHttpResponseParser.TryParse(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"), false, 10));
        Assert.Contains("exceeds the limit of 10", body.Message, StringComparison.Ordinal);
        var chunked = Assert.Throws<UnixHttpException>(() =>
            UnixHttpResponseParser.TryParse(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n"), false, 4));
        Assert.Contains("exceeds the limit of 4", chunked.Message, StringComparison.Ordinal);
        // A peer that never ends its header section is cut off, not buffered without bound.
        var endless = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n" + new string('x', UnixHttpResponseParser.MaxHeaderBytes + 1));
        Assert.Contains("header section longer", Assert.Throws<UnixHttpException>(() => UnixHttpResponseParser.TryParse(endless, false, Max)).Message, StringComparison.Ordinal);
    }
}
