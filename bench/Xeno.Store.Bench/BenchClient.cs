using System.Net.Sockets;
using System.Text;
using Xeno.Store.Wire;

namespace Xeno.Store.Bench;

/// <summary>A blocking request/response client; watch events are counted apart from replies.</summary>
internal sealed class BenchClient : IDisposable
{
    private readonly Socket _socket;
    private readonly XsFrameDecoder _decoder = new();
    private readonly List<XsMessage> _pending = [];
    private readonly Queue<XsMessage> _replies = new();
    private readonly byte[] _buffer = new byte[65536];
    private uint _req;

    public BenchClient(string path)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(path));
    }

    public Queue<XsMessage> Events { get; } = new();

    public XsMessage Call(XsMessageType type, uint tx, byte[] payload)
    {
        _socket.Send(new XsMessage(type, ++_req, tx, payload).ToBytes());
        while (_replies.Count == 0) Pump();
        return _replies.Dequeue();
    }

    public XsMessage Call(XsMessageType type, uint tx, string nulSeparated) => Call(type, tx, Encoding.ASCII.GetBytes(nulSeparated));

    public XsMessage WaitEvent()
    {
        while (Events.Count == 0) Pump();
        return Events.Dequeue();
    }

    private void Pump()
    {
        var n = _socket.Receive(_buffer);
        if (n == 0) throw new IOException("connection closed");
        _pending.Clear();
        _decoder.Feed(_buffer.AsSpan(0, n), _pending);
        foreach (var m in _pending)
            if (m.Type == XsMessageType.WatchEvent) Events.Enqueue(m); else _replies.Enqueue(m);
    }

    public void Dispose() => _socket.Dispose();
}
