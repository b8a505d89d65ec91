using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Xeno.Engine.Bench;

/// <summary>
/// The calls xl makes, without xl: one fresh connection to xenod's unix socket, a bare
/// HTTP/1.0 GET (/v1/domains for xl list, /v1/statistics for xl top) (no chunking, the server closes), the reply read to the end.
/// </summary>
internal static class ApiProbe
{
    /// <summary>Returns the number of domains in the reply (checks the call really worked).</summary>
    public static int ListDomains(string socketPath)
    {
        using var doc = JsonDocument.Parse(Get(socketPath, "/v1/domains"));
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>One GET on a fresh connection; returns the body of a 200 reply, throws on anything else.</summary>
    public static string Get(string socketPath, string path)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(socketPath));
        s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: xenod\r\n\r\n"));
        var reply = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = s.Receive(buffer)) > 0)
            reply.Write(buffer, 0, n);
        var text = Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || body < 0)
            throw new InvalidOperationException($"GET {path} failed: {text[..Math.Min(200, text.Length)]}");
        return text[(body + 4)..];
    }
}
