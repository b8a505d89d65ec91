using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Xeno.Engine.Store;

/// <summary>
/// A minimal xenstore client for xenod's own writes (XS_WRITE, XS_RM over the xs_wire protocol
/// on the dom0 socket), so every change goes through xenstored's journal like any other client's.
/// One request at a time; errors come back as <see cref="IOException"/> with xenstored's errno name.
/// </summary>
internal sealed class XenstoreWriter : IDisposable
{
    private const uint Write = 11, Rm = 13, Error = 16;
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

    public void WriteValue(string path, string value) =>
        Request(Write, [.. Encoding.UTF8.GetBytes(path), 0, .. Encoding.UTF8.GetBytes(value)]);

    /// <summary>Removes a subtree; a missing node is not an error.</summary>
    public void Remove(string path)
    {
        try
        {
            Request(Rm, [.. Encoding.UTF8.GetBytes(path), 0]);
        }
        catch (IOException e) when (e.Message.Contains("ENOENT", StringComparison.Ordinal))
        {
        }
    }

    private void Request(uint type, byte[] payload)
    {
        lock (_gate)
        {
            var header = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(header, type);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), ++_requestId);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)payload.Length);
            _stream.Write(header);
            _stream.Write(payload);
            // Watch events could interleave; xenod sets no watches on this connection.
            _stream.ReadExactly(header);
            uint replyType = BinaryPrimitives.ReadUInt32LittleEndian(header);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
            if (length > 4096)
                throw new IOException($"xenstored answered {length} bytes to a write");
            var body = new byte[length];
            _stream.ReadExactly(body);
            if (replyType == Error)
                throw new IOException($"xenstored: {Encoding.UTF8.GetString(body).TrimEnd('\0')}");
        }
    }

    public void Dispose() => _stream.Dispose();
}
