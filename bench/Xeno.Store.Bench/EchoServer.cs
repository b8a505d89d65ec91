using System.Net.Sockets;
using Xeno.Store.Wire;

namespace Xeno.Store.Bench;

/// <summary>
/// The lower bound: a unix-socket server that frames xenstore requests the same way and
/// answers each with a reply of a fixed payload size, doing nothing else.
/// </summary>
internal sealed class EchoServer : IDisposable
{
    private readonly Socket _listener;
    private readonly int _replyPayload;

    public EchoServer(string path, int replyPayload)
    {
        _replyPayload = replyPayload;
        if (File.Exists(path)) File.Delete(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(64);
        _ = AcceptLoop();
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                var s = await _listener.AcceptAsync().ConfigureAwait(false);
                _ = Serve(s);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task Serve(Socket s)
    {
        var buffer = new byte[65536];
        var decoder = new XsFrameDecoder();
        var messages = new List<XsMessage>();
        var payload = new byte[_replyPayload];
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                messages.Clear();
                decoder.Feed(buffer.AsSpan(0, n), messages);
                foreach (var m in messages)
                {
                    var reply = new XsMessage(m.Type, m.RequestId, m.TransactionId, payload).ToBytes();
                    await s.SendAsync(reply, SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            s.Dispose();
        }
    }

    public void Dispose() => _listener.Dispose();
}
