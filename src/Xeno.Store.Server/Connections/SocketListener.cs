using System.Net.Sockets;

namespace Xeno.Store.Server.Connections;

/// <summary>A listening unix socket whose connections all act as one domain.</summary>
internal sealed class SocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    private SocketListener(string path, uint domainId, Socket socket)
    {
        Path = path;
        DomainId = domainId;
        _socket = socket;
    }

    public string Path { get; }
    public uint DomainId { get; }

    public static SocketListener Bind(string path, uint domainId)
    {
        var dir = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // A socket file left by a killed daemon would make bind fail.
        if (File.Exists(path)) File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new SocketListener(path, domainId, socket);
    }

    public async Task AcceptLoopAsync(Action<Socket, uint> accepted)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
                accepted(client, DomainId);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { File.Delete(Path); } catch (IOException) { }
        _stop.Dispose();
    }
}
