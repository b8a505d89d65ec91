using System.Net.Sockets;

namespace Xeno.Engine.Consoles;

/// <summary>How a console hub gets its connection to QEMU's console chardev (again after each drop).</summary>
public interface IConsoleUpstream
{
    /// <summary>
    /// A connected socket to QEMU's console chardev. Throws <see cref="SocketException"/> or
    /// <see cref="IOException"/> while QEMU cannot be reached; the hub tries again later.
    /// </summary>
    Task<Socket> ConnectAsync(CancellationToken cancel);
}

/// <summary>QEMU's listening console socket (pv and pvh: virtio-console, which drops what a full socket cannot take and never retries).</summary>
public sealed class PathConsoleUpstream(string path) : IConsoleUpstream
{
    public async Task<Socket> ConnectAsync(CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
