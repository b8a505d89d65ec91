using System.Net.Sockets;
using System.Text;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Support;

/// <summary>A minimal xenstore client over a unix socket for tests: requests in order, events queued apart.</summary>
internal sealed class XsClient : IDisposable
{
    private readonly Socket _socket;
    private readonly XsFrameDecoder _decoder = new();
    private readonly Queue<XsMessage> _replies = new();
    private readonly byte[] _buffer = new byte[65536];
    private uint _nextRequest = 1;

    public XsClient(string path)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(path));
        _socket.ReceiveTimeout = 10_000;
    }

    public Queue<XsMessage> Events { get; } = new();

    public Socket Socket => _socket;

    public XsMessage Request(XsMessageType type, uint tx, params string[] args) =>
        Request(XsMessage.Create(type, _nextRequest++, tx, args));

    public XsMessage RequestRaw(XsMessageType type, uint tx, byte[] payload) =>
        Request(new XsMessage(type, _nextRequest++, tx, payload));

    public XsMessage Request(XsMessage message)
    {
        _socket.Send(message.ToBytes());
        return NextReply();
    }

    public XsMessage NextReply()
    {
        while (_replies.Count == 0) Pump();
        return _replies.Dequeue();
    }

    public XsMessage NextEvent()
    {
        while (Events.Count == 0) Pump();
        return Events.Dequeue();
    }

    private void Pump()
    {
        var n = _socket.Receive(_buffer);
        if (n == 0) throw new IOException("server closed the connection");
        var messages = new List<XsMessage>();
        _decoder.Feed(_buffer.AsSpan(0, n), messages);
        foreach (var m in messages)
            if (m.Type == XsMessageType.WatchEvent) Events.Enqueue(m); else _replies.Enqueue(m);
    }

    public string Write(string path, string value) => Text(RequestRaw(XsMessageType.Write, 0, [.. Encoding.UTF8.GetBytes(path + "\0"), .. Encoding.UTF8.GetBytes(value)]));

    public string Read(string path, uint tx = 0) => Text(Request(XsMessageType.Read, tx, path));

    public static string Text(XsMessage m) =>
        (m.Type == XsMessageType.Error ? "!" : "") + Encoding.UTF8.GetString(m.Payload).TrimEnd('\0');

    public void Dispose() => _socket.Dispose();
}
