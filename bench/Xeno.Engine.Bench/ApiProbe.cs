using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Xeno.Engine.Bench;

/// <summary>
/// The list call xl makes, without xl: one fresh connection to xenod's unix socket, a bare
/// HTTP/1.0 GET /v1/domains (no chunking, the server closes), the reply read to the end.
/// </summary>
internal static class ApiProbe
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /v1/domains HTTP/1.0\r\nHost: xenod\r\n\r\n");

    /// <summary>Returns the number of domains in the reply (checks the call really worked).</summary>
    public static int ListDomains(string socketPath)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(socketPath));
        s.Send(Request);
        var reply = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = s.Receive(buffer)) > 0)
            reply.Write(buffer, 0, n);
        var text = Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || body < 0)
            throw new InvalidOperationException($"GET /v1/domains failed: {text[..Math.Min(200, text.Length)]}");
        using var doc = JsonDocument.Parse(text[(body + 4)..]);
        return doc.RootElement.GetArrayLength();
    }
}
