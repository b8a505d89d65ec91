using System.Text;
using Xeno.Api.Client;

namespace Xeno.Api.Tests.Client;

/// <summary>
/// The parser over random well-formed responses (each framing), every prefix of them, and random
/// corruptions of them: it returns the response, asks for more bytes, or refuses with
/// <see cref="UnixHttpException"/>; it never throws anything else and never asks for more at the end.
/// </summary>
public class UnixHttpResponseParserRandomTests
{
    private const int Max = 1 << 16;

    private enum Framing { Length, Chunked, Close }

    private sealed record Sample(byte[] Raw, int Status, byte[] Body, Framing Framing);

    private static Sample Generate(Random rng)
    {
        var framing = (Framing)rng.Next(3);
        int status = rng.Next(200, 600);
        if (status is 204 or 304) status = 200;
        var body = new byte[rng.Next(0, 3) == 0 ? 0 : rng.Next(1, 3000)];
        rng.NextBytes(body);
        var head = new StringBuilder($"HTTP/1.{rng.Next(2)} {status}{(rng.Next(3) == 0 ? "" : " Reason " + rng.Next())}\r\n");
        for (int i = rng.Next(4); i > 0; i--)
            head.Append($"X-H{i}:{new string(' ', rng.Next(3))}v{rng.Next()}\r\n");
        var raw = new MemoryStream();
        switch (framing)
        {
            case Framing.Length:
                head.Append($"content-length: {body.Length}\r\n\r\n");
                raw.Write(Encoding.ASCII.GetBytes(head.ToString()));
                raw.Write(body);
                break;
            case Framing.Chunked:
                head.Append("Transfer-Encoding: chunked\r\n\r\n");
                raw.Write(Encoding.ASCII.GetBytes(head.ToString()));
                for (int at = 0; at < body.Length;)
                {
                    int size = Math.Min(body.Length - at, rng.Next(1, 700));
                    raw.Write(Encoding.ASCII.GetBytes((rng.Next(2) == 0 ? size.ToString("x") : size.ToString("X")) + (rng.Next(4) == 0 ? ";ext=1" : "") + "\r\n"));
                    raw.Write(body, at, size);
                    raw.Write("\r\n"u8);
                    at += size;
                }
                raw.Write(Encoding.ASCII.GetBytes(rng.Next(3) == 0 ? "0\r\nTrailer: t\r\n\r\n" : "0\r\n\r\n"));
                break;
            case Framing.Close:
                head.Append("\r\n");
                raw.Write(Encoding.ASCII.GetBytes(head.ToString()));
                raw.Write(body);
                break;
        }
        return new Sample(raw.ToArray(), status, body, framing);
    }

    /// <summary>Runs the parser; null when it asked for more bytes, the exception when it refused.</summary>
    private static (UnixHttpResponse? Response, UnixHttpException? Refusal) Run(byte[] data, bool end, int seed)
    {
        try
        {
            var r = UnixHttpResponseParser.TryParse(data, end, Max);
            if (end) Assert.True(r is not null, $"seed {seed}: asked for more bytes at the end of the stream");
            return (r, null);
        }
        catch (UnixHttpException e)
        {
            Assert.Equal(UnixHttpFailure.Protocol, e.Failure);
            return (null, e);
        }
        catch (Exception e)
        {
            Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}\n{Encoding.Latin1.GetString(data)}");
            throw;
        }
    }

    [Fact]
    public void Well_formed_responses_parse_whole_and_their_prefixes_ask_for_more()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            var s = Generate(rng);
            var (whole, refusal) = Run(s.Raw, end: true, seed);
            Assert.True(refusal is null, $"seed {seed}: {refusal?.Message}");
            Assert.Equal(s.Status, whole!.Status);
            Assert.Equal(s.Body, whole.Body);
            // Received in pieces: every cut short of the end asks for more (or is already complete).
            for (int i = 0; i < 20; i++)
            {
                int cut = rng.Next(s.Raw.Length);
                var (partial, partialRefusal) = Run(s.Raw[..cut], end: false, seed);
                Assert.True(partialRefusal is null, $"seed {seed}, cut {cut}: {partialRefusal?.Message}");
                if (partial is not null) Assert.Equal(s.Body, partial.Body);
                // Closed early: refused, except a body that runs to the close, which is then shorter.
                var (early, _) = Run(s.Raw[..cut], end: true, seed);
                if (early is not null) Assert.True(s.Framing == Framing.Close || early.Body.AsSpan().SequenceEqual(s.Body), $"seed {seed}, cut {cut}");
            }
        }
    }

    [Fact]
    public void Corrupted_responses_are_parsed_refused_or_wait_but_never_crash()
    {
        for (int seed = 0; seed < 2000; seed++)
        {
            var rng = new Random(seed);
            var raw = Generate(rng).Raw.ToList();
            for (int edits = rng.Next(1, 6); edits > 0 && raw.Count > 0; edits--)
            {
                int at = rng.Next(raw.Count);
                switch (rng.Next(4))
                {
                    case 0: raw[at] = (byte)rng.Next(256); break;
                    case 1: raw.RemoveAt(at); break;
                    case 2: raw.Insert(at, "\r\n:; 0-\t9aF"u8[rng.Next(11)]); break;
                    case 3: raw.RemoveRange(at, raw.Count - at); break;
                }
            }
            var data = raw.ToArray();
            Run(data, end: rng.Next(2) == 0, seed);
            Run(data, end: true, seed);
        }
    }
}
