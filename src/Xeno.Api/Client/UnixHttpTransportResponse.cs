using System.Text;

namespace Xeno.Api.Client;

/// <summary>One whole HTTP/1.1 response as <see cref="UnixHttpTransport"/> read it.</summary>
public sealed record UnixHttpResponse(int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The first header of that name (case-insensitive, as HTTP names are), or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }
}

/// <summary>Why a request over the unix socket failed; the message is printable.</summary>
public enum UnixHttpFailure
{
    /// <summary>Nothing listens on the socket (missing, refused, not a socket).</summary>
    Unreachable,
    /// <summary>The deadline passed before the whole response arrived.</summary>
    Timeout,
    /// <summary>The peer's bytes are not a well-formed HTTP/1.1 response, or it closed mid-response.</summary>
    Protocol,
}

public sealed class UnixHttpException(UnixHttpFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public UnixHttpFailure Failure { get; } = failure;
}

/// <summary>
/// Parses one HTTP/1.1 response from the bytes received so far (RFC 9112): status line, header
/// fields, then a body framed by Transfer-Encoding: chunked, Content-Length, or the end of the
/// connection. Strict where leniency would let a confused peer be misread (bare LF, folded
/// headers, conflicting lengths), and bounded, since the bytes come from another process.
/// </summary>
public static class UnixHttpResponseParser
{
    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>
    /// The response, or null when more bytes are needed (never null when <paramref name="endOfStream"/>).
    /// Throws <see cref="UnixHttpException"/> (<see cref="UnixHttpFailure.Protocol"/>) naming the problem.
    /// Informational (1xx) responses before the final one are skipped.
    /// </summary>
    public static UnixHttpResponse? TryParse(ReadOnlySpan<byte> data, bool endOfStream, int maxBodyBytes)
    {
        while (true)
        {
            int end = data.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                if (data.Length > MaxHeaderBytes) throw Bad($"response header section longer than {MaxHeaderBytes} bytes");
                if (endOfStream) throw Bad(data.Length == 0 ? "connection closed without a response" : "connection closed in the response header");
                return null;
            }
            if (end > MaxHeaderBytes) throw Bad($"response header section longer than {MaxHeaderBytes} bytes");
            var head = data[..end];
            var rest = data[(end + 4)..];
            var (status, reason, headers) = ParseHead(head);
            if (status is >= 100 and < 200)
            {
                data = rest;
                continue;
            }
            var body = ParseBody(status, headers, rest, endOfStream, maxBodyBytes);
            return body is null ? null : new UnixHttpResponse(status, reason, headers, body);
        }
    }

    private static (int Status, string Reason, List<KeyValuePair<string, string>> Headers) ParseHead(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf((byte)'\n') is var lf and >= 0 && (lf == 0 || head[lf - 1] != '\r'))
            throw Bad("response line ends with a bare LF");
        int eol = head.IndexOf("\r\n"u8);
        var statusLine = eol < 0 ? head : head[..eol];
        // HTTP/1.x SP 3DIGIT SP reason-phrase (the reason may be empty; the SP before it is
        // sometimes left out when it is).
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)statusLine[7])
            || statusLine[8] != ' ' || !AllDigits(statusLine.Slice(9, 3)) || (statusLine.Length > 12 && statusLine[12] != ' '))
            throw Bad($"malformed status line \"{Printable(statusLine)}\"");
        int status = (statusLine[9] - '0') * 100 + (statusLine[10] - '0') * 10 + (statusLine[11] - '0');
        if (status < 100) throw Bad($"status code {status} out of range");
        var reasonBytes = statusLine.Length > 13 ? statusLine[13..] : [];
        if (reasonBytes.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || reasonBytes.IndexOfAnyInRange((byte)10, (byte)31) >= 0 || reasonBytes.Contains((byte)127))
            throw Bad("control character in the reason phrase");
        var reason = Encoding.Latin1.GetString(reasonBytes);

        var headers = new List<KeyValuePair<string, string>>();
        var fields = eol < 0 ? [] : head[(eol + 2)..];
        while (eol >= 0 && !fields.IsEmpty)
        {
            int next = fields.IndexOf("\r\n"u8);
            var line = next < 0 ? fields : fields[..next];
            fields = next < 0 ? [] : fields[(next + 2)..];
            if (line.IsEmpty) throw Bad("empty line inside the header section");
            if (line[0] is (byte)' ' or (byte)'\t') throw Bad("folded header line (obsolete line folding is not accepted)");
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) throw Bad($"header line without a name and colon \"{Printable(line)}\"");
            var name = line[..colon];
            foreach (var b in name)
                if (!IsTokenChar(b)) throw Bad($"invalid character in header name \"{Printable(name)}\"");
            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (var b in value)
                if ((b < 32 && b != '\t') || b == 127) throw Bad($"control character in the value of header {Encoding.ASCII.GetString(name)}");
            headers.Add(new(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value)));
        }
        return (status, reason, headers);
    }

    private static byte[]? ParseBody(int status, List<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> rest, bool endOfStream, int max)
    {
        // No body by definition (RFC 9112 §6.3): whatever follows belongs to no response of ours.
        if (status is 204 or 304) return [];
        string? transferEncoding = null, contentLength = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                transferEncoding = transferEncoding is null ? value : transferEncoding + ", " + value;
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (contentLength is not null && contentLength != value) throw Bad($"conflicting Content-Length values {contentLength} and {value}");
                contentLength = value;
            }
        }
        if (transferEncoding is not null)
        {
            if (contentLength is not null) throw Bad("both Transfer-Encoding and Content-Length");
            if (!transferEncoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                throw Bad($"unsupported Transfer-Encoding \"{transferEncoding}\"");
            return ParseChunked(rest, endOfStream, max);
        }
        if (contentLength is not null)
        {
            if (contentLength.Length is 0 or > 10 || !AllDigits(Encoding.ASCII.GetBytes(contentLength)) || !long.TryParse(contentLength, out long length))
                throw Bad($"invalid Content-Length \"{contentLength}\"");
            if (length > max) throw Bad($"response body of {length} bytes exceeds the limit of {max}");
            if (rest.Length < length)
                return endOfStream ? throw Bad($"connection closed after {rest.Length} of {length} body bytes") : null;
            return rest[..(int)length].ToArray();
        }
        if (rest.Length > max) throw Bad($"response body exceeds the limit of {max} bytes");
        return endOfStream ? rest.ToArray() : null;
    }

    /// <summary>chunk = size-in-hex [; extensions] CRLF data CRLF; ends with a 0 chunk, trailers and an empty line.</summary>
    private static byte[]? ParseChunked(ReadOnlySpan<byte> rest, bool endOfStream, int max)
    {
        var body = new MemoryStream();
        while (true)
        {
            int eol = rest.IndexOf("\r\n"u8);
            if (eol < 0)
            {
                if (rest.Length > 1024) throw Bad("chunk size line too long");
                return endOfStream ? throw Bad("connection closed inside the chunked body") : null;
            }
            var sizeLine = rest[..eol];
            int semi = sizeLine.IndexOf((byte)';');
            var hex = (semi < 0 ? sizeLine : sizeLine[..semi]).TrimEnd(" \t"u8);
            if (hex.IsEmpty || hex.Length > 8) throw Bad($"invalid chunk size \"{Printable(sizeLine)}\"");
            long size = 0;
            foreach (var b in hex)
            {
                int digit = HexValue(b);
                if (digit < 0) throw Bad($"invalid chunk size \"{Printable(sizeLine)}\"");
                size = size * 16 + digit;
            }
            rest = rest[(eol + 2)..];
            if (size == 0)
            {
                // Trailer fields (ignored), then the empty line that ends the message.
                while (true)
                {
                    int t = rest.IndexOf("\r\n"u8);
                    if (t < 0)
                        return endOfStream ? throw Bad("connection closed in the chunked trailer") : null;
                    if (t == 0) return body.ToArray();
                    if (rest[0] is (byte)' ' or (byte)'\t' || rest[..t].IndexOf((byte)':') <= 0)
                        throw Bad("malformed trailer line");
                    rest = rest[(t + 2)..];
                }
            }
            if (body.Length + size > max) throw Bad($"response body exceeds the limit of {max} bytes");
            if (rest.Length < size + 2)
                return endOfStream ? throw Bad("connection closed inside a chunk") : null;
            if (rest[(int)size] != '\r' || rest[(int)size + 1] != '\n') throw Bad("chunk data not followed by CRLF");
            body.Write(rest[..(int)size]);
            rest = rest[((int)size + 2)..];
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
            if (b is < (byte)'0' or > (byte)'9') return false;
        return true;
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(b);

    /// <summary>At most 60 bytes of peer data for a message, control bytes escaped.</summary>
    private static string Printable(ReadOnlySpan<byte> s)
    {
        var sb = new StringBuilder();
        foreach (var b in s[..Math.Min(s.Length, 60)])
            sb.Append(b is >= 32 and < 127 ? (char)b : $"\\x{b:x2}");
        if (s.Length > 60) sb.Append("...");
        return sb.ToString();
    }

    private static UnixHttpException Bad(string what) => new(UnixHttpFailure.Protocol, "malformed HTTP response: " + what);
}
