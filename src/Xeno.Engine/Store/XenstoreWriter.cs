using System.Net.Sockets;
using System.Text;
using Xeno.Store.Wire;

namespace Xeno.Engine.Store;

/// <summary>
/// A minimal xenstore client for xenod's own writes (XS_WRITE, XS_RM over the xs_wire protocol
/// on the dom0 socket), so every change goes through xenstored's journal like any other client's.
/// Messages are Xeno.Store's wire types, the server's own. One request at a time; errors come back
/// as <see cref="IOException"/> with xenstored's errno name.
/// </summary>
internal sealed class XenstoreWriter : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Lock _gate = new();
    private uint _requestId;

    public XenstoreWriter(string socketPath)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _stream = new NetworkStream(_socket, ownsSocket: true);
    }

    /// <summary>XS_WRITE's payload is the NUL-terminated path, then the value without a NUL.</summary>
    public void WriteValue(string path, string value) =>
        Request(XsMessageType.Write, [.. Encoding.UTF8.GetBytes(path), 0, .. Encoding.UTF8.GetBytes(value)]);

    /// <summary>XS_READ of one node; null when it does not exist (a hotplug script's answer is read back this way).</summary>
    public string? ReadValue(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(Request(XsMessageType.Read, [.. Encoding.UTF8.GetBytes(path), 0]));
        }
        catch (IOException e) when (e.Message.Contains(nameof(XsErrno.ENOENT), StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Removes a subtree; a missing node is not an error.</summary>
    public void Remove(string path)
    {
        try
        {
            Request(XsMessageType.Rm, [.. Encoding.UTF8.GetBytes(path), 0]);
        }
        catch (IOException e) when (e.Message.Contains(nameof(XsErrno.ENOENT), StringComparison.Ordinal))
        {
        }
    }

    private byte[] Request(XsMessageType type, byte[] payload)
    {
        lock (_gate)
        {
            _stream.Write(new XsMessage(type, ++_requestId, 0, payload).ToBytes());
            // Watch events could interleave; xenod sets no watches on this connection.
            Span<byte> head = stackalloc byte[XsHeader.Size];
            _stream.ReadExactly(head);
            var reply = XsHeader.Read(head);
            if (reply.Length > XsHeader.PayloadMax)
                throw new IOException($"xenstored answered {reply.Length} bytes to a write");
            var body = new byte[reply.Length];
            _stream.ReadExactly(body);
            if (reply.Type == (uint)XsMessageType.Error)
                throw new IOException($"xenstored: {Encoding.UTF8.GetString(body).TrimEnd('\0')}");
            return body;
        }
    }

    public void Dispose() => _stream.Dispose();
}
