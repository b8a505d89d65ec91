using System.Net.Sockets;

namespace Xeno.Api.Client;

/// <summary>
/// A stream over a socket in blocking mode whose async calls complete synchronously: a read
/// blocks its caller in the kernel until bytes arrive, so a thread of its own that reads wakes
/// straight from the socket, with no event thread or thread-pool hand-off between (a WebSocket
/// made on it receives on the caller's thread). Only synchronous socket calls are made: one
/// asynchronous call would put the socket in non-blocking mode for good. Bytes already read
/// past a handshake come first. Disposing shuts the socket down, which wakes a blocked read.
/// </summary>
internal sealed class BlockingSocketStream(Socket socket, ReadOnlyMemory<byte> already) : Stream
{
    private ReadOnlyMemory<byte> _already = already;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        if (!_already.IsEmpty)
        {
            int n = Math.Min(buffer.Length, _already.Length);
            _already.Span[..n].CopyTo(buffer);
            _already = _already[n..];
            return n;
        }
        try
        {
            return socket.Receive(buffer);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            while (!buffer.IsEmpty)
                buffer = buffer[socket.Send(buffer)..];
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            socket.Dispose();
        }
        base.Dispose(disposing);
    }
}
