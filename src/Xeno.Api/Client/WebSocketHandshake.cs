using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Xeno.Api.Client;

/// <summary>
/// The client's half of a WebSocket opening handshake (RFC 6455 section 4) written by hand, for a
/// WebSocket on a socket the caller owns (<see cref="XenodClient.AttachConsoleOnThreadAsync"/>):
/// the upgrade request, and the check of the server's answer head. No extension or subprotocol
/// is asked for, so none may be in the answer.
/// </summary>
public static class WebSocketHandshake
{
    /// <summary>The longest answer head accepted (status line and headers).</summary>
    public const int MaxHead = 16 * 1024;

    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>A fresh Sec-WebSocket-Key: 16 random bytes in base64.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>What the server must answer in Sec-WebSocket-Accept for <paramref name="key"/>.</summary>
    public static string AcceptFor(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

    /// <summary>The GET upgrade request for <paramref name="pathAndQuery"/> (starting with '/') on host <paramref name="host"/>.</summary>
    public static byte[] Request(string host, string pathAndQuery, string key) => Encoding.ASCII.GetBytes(
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n");

    /// <summary>Where the answer head ends (just past its blank line) in <paramref name="bytes"/>, or -1 while incomplete.</summary>
    public static int HeadEnd(ReadOnlySpan<byte> bytes)
    {
        int at = bytes.IndexOf("\r\n\r\n"u8);
        return at < 0 ? -1 : at + 4;
    }

    /// <summary>
    /// Reads the answer head <paramref name="head"/> (up to and including its blank line) to a
    /// request made with <paramref name="key"/>: its status, and for a 101 whether it is a valid
    /// acceptance; <see cref="Answer.Problem"/> names what is wrong, null when the upgrade holds.
    /// </summary>
    public static Answer Read(ReadOnlySpan<byte> head, string key)
    {
        if (head.Length > MaxHead)
            return new Answer(0, $"the answer head is longer than {MaxHead} bytes");
        foreach (byte b in head)
        {
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or >= 0x7f)
                return new Answer(0, $"the answer head holds byte 0x{b:x2}");
        }
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || status[0] is not ("HTTP/1.1" or "HTTP/1.0") || status[1].Length != 3
            || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out int code) || code < 100)
            return new Answer(0, $"the answer's status line is not HTTP's: \"{Cut(lines[0])}\"");
        if (code != 101)
            return new Answer(code, $"the server answered {code} instead of switching protocols");
        string? upgrade = null, connection = null, accept = null;
        for (int i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
                continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                return new Answer(code, $"the answer's header line \"{Cut(line)}\" has no name");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
                upgrade = value;
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                connection = value;
            else if (name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
                accept = value;
            else if (name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)
                     || name.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase))
                return new Answer(code, $"the server chose {name} \"{Cut(value)}\", which was not asked for");
        }
        if (!string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase))
            return new Answer(code, "the 101 answer does not upgrade to websocket");
        if (connection is null || !connection.Split(',').Any(t => t.Trim().Equals("Upgrade", StringComparison.OrdinalIgnoreCase)))
            return new Answer(code, "the 101 answer's Connection header does not say Upgrade");
        if (accept != AcceptFor(key))
            return new Answer(code, "the 101 answer's Sec-WebSocket-Accept does not match the key");
        return new Answer(code, null);
    }

    private static string Cut(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <param name="Status">The HTTP status, 0 when the head is not HTTP.</param>
    /// <param name="Problem">Why the upgrade does not hold; null when it does.</param>
    public sealed record Answer(int Status, string? Problem);
}
