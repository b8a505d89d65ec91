using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Xeno.Api.Client;
using Xeno.Engine.Domains;
using Xeno.Qemu.Interop;

namespace Xeno.Engine.Migration;

/// <summary>
/// xenod's file-descriptor inbox (docs/api.md): a root-only unix socket beside the API socket.
/// A client connects, sends one byte with a descriptor attached (SCM_RIGHTS) and reads a token;
/// an API request naming the token takes the descriptor (<see cref="Take"/>). Only a peer of
/// xenod's own user or root is served (SO_PEERCRED). A descriptor not taken is closed when its
/// client closes the connection, so nothing outlives the xl that handed it over.
/// </summary>
public sealed class FdInbox : IDisposable
{
    private readonly Socket _listener;
    private readonly string _path;
    private readonly uint _ownUid;
    private readonly ConcurrentDictionary<string, SafeFileHandle> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private FdInbox(Socket listener, string path, uint ownUid)
    {
        _listener = listener;
        _path = path;
        _ownUid = ownUid;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Listens at <see cref="XenodFdSocket.PathFor"/> of the API socket (any stale socket there replaced).</summary>
    public static FdInbox Start(string apiSocketPath, uint ownUid)
    {
        string path = XenodFdSocket.PathFor(apiSocketPath);
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new FdInbox(listener, path, ownUid);
    }

    /// <summary>Descriptors handed over and not yet taken (tests check nothing lingers).</summary>
    public int Waiting => _waiting.Count;

    /// <summary>The descriptor handed over under <paramref name="token"/>, now the caller's to close.</summary>
    public SafeFileHandle Take(string token) =>
        _waiting.TryRemove(token, out var fd)
            ? fd
            : throw new EngineException(EngineErrorKind.Invalid,
                $"no file descriptor is waiting under token \"{token}\" (never handed over, already taken, or its connection closed)");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            // One thread per connection, blocking: connections are few (one per migration) and short.
            _ = Task.Factory.StartNew(() => Serve(client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Serve(Socket client)
    {
        string? token = null;
        using (client)
        {
            try
            {
                client.Blocking = true;
                var (_, uid) = UnixRights.Peer(client.SafeHandle);
                if (uid != 0 && uid != _ownUid)
                {
                    Answer(client, $"!user {uid} may not hand descriptors to this xenod\n");
                    return;
                }
                var one = new byte[1];
                int n = UnixRights.Receive(client.SafeHandle, one, out var fd);
                if (n != 1 || one[0] != XenodFdSocket.Offer || fd is null)
                {
                    fd?.Dispose();
                    Answer(client, "!expected one byte 'F' with one descriptor attached\n");
                    return;
                }
                token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(XenodFdSocket.TokenLength / 2));
                _waiting[token] = fd;
                Answer(client, token + "\n");
                // The descriptor waits as long as the client keeps the connection: its end (EOF,
                // error, xl gone) closes a descriptor nobody took.
                while (client.Receive(one) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                if (token is not null && _waiting.TryRemove(token, out var unclaimed))
                    unclaimed.Dispose();
            }
        }
    }

    private static void Answer(Socket client, string text) => client.Send(Encoding.ASCII.GetBytes(text));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            _accepting.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var token in _waiting.Keys)
        {
            if (_waiting.TryRemove(token, out var fd))
                fd.Dispose();
        }
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
        _stop.Dispose();
    }
}
