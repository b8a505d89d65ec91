using System.Net.Sockets;

namespace Xeno.Api.Client;

/// <summary>HTTP over xenod's unix socket: a handler every client of the API (typed, event stream) builds on.</summary>
public static class XenodSocket
{
    /// <summary>The host part of request URIs; the socket decides where they go.</summary>
    public static readonly Uri BaseAddress = new("http://xenod/");

    public static SocketsHttpHandler CreateHandler(string socketPath) => new()
    {
        ConnectCallback = async (_, cancel) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                return new NetworkStream(s, ownsSocket: true);
            }
            catch
            {
                s.Dispose();
                throw;
            }
        },
    };
}
