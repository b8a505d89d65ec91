using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Xeno.Api.Client;

/// <summary>
/// A minimal HTTP/1.1 client over a unix socket, for short-lived processes such as xl: one
/// request per connection (Connection: close), blocking calls on the caller's thread, one
/// deadline for the whole exchange, the whole response read before returning. No thread pool,
/// timer, connection pool or handler pipeline, which is most of what HttpClient costs a process
/// that makes one or two calls and exits (measured under Native AOT: see docs/publishing.md).
/// Not for streams that do not end (the event stream): those keep HttpClient.
/// </summary>
public sealed class UnixHttpTransport(string socketPath, TimeSpan deadline, int maxBodyBytes = 64 * 1024 * 1024)
{
    public string SocketPath { get; } = socketPath;

    /// <summary>
    /// Sends <paramref name="method"/> <paramref name="target"/> (origin form, e.g. "/v1/domains")
    /// with an optional body, and returns the response. Throws <see cref="UnixHttpException"/>.
    /// </summary>
    public UnixHttpResponse Send(string method, string target, ReadOnlySpan<byte> body = default, string? contentType = null)
    {
        if (method.Length == 0 || method.Any(c => c is < '!' or > '~'))
            throw new ArgumentException($"invalid HTTP method \"{method}\"", nameof(method));
        if (!target.StartsWith('/') || target.Any(c => c is <= ' ' or > '~'))
            throw new ArgumentException($"invalid request target \"{target}\" (percent-encode it)", nameof(target));
        if (contentType is not null && contentType.Any(char.IsControl))
            throw new ArgumentException("control character in the content type", nameof(contentType));

        var clock = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // A unix-socket connect does not wait for the peer's accept: it succeeds or fails at once.
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException e)
        {
            throw new UnixHttpException(UnixHttpFailure.Unreachable, $"cannot connect to {SocketPath}: {e.Message}", e);
        }
        try
        {
            var head = new StringBuilder()
                .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            if (contentType is not null) head.Append("Content-Type: ").Append(contentType).Append("\r\n");
            if (!body.IsEmpty || method is "POST" or "PUT" or "PATCH")
                head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
            head.Append("\r\n");
            var request = new byte[Encoding.ASCII.GetByteCount(head.ToString()) + body.Length];
            int n = Encoding.ASCII.GetBytes(head.ToString(), request);
            body.CopyTo(request.AsSpan(n));
            for (int sent = 0; sent < request.Length;)
            {
                socket.SendTimeout = Remaining(clock);
                sent += socket.Send(request, sent, request.Length - sent, SocketFlags.None);
            }

            var buffer = new byte[16 * 1024];
            int length = 0;
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                socket.ReceiveTimeout = Remaining(clock);
                int got = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
                length += got;
                var response = UnixHttpResponseParser.TryParse(buffer.AsSpan(0, length), endOfStream: got == 0, maxBodyBytes);
                if (response is not null) return response;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw TimedOut();
        }
        catch (SocketException e)
        {
            throw new UnixHttpException(UnixHttpFailure.Protocol, $"connection to {SocketPath} failed mid-request: {e.Message}", e);
        }
    }

    /// <summary>What is left of the deadline, in the milliseconds socket timeouts take (0 would mean "none").</summary>
    private int Remaining(Stopwatch clock)
    {
        var left = deadline - clock.Elapsed;
        if (left <= TimeSpan.Zero) throw TimedOut();
        return (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, int.MaxValue);
    }

    private UnixHttpException TimedOut() =>
        new(UnixHttpFailure.Timeout, $"no complete answer on {SocketPath} within {deadline.TotalSeconds:0.###} s");
}
