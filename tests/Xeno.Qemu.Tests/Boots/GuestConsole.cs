using System.Net.Sockets;
using System.Text;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>A client on a guest's console socket: collects what the guest prints, types lines.</summary>
internal sealed class GuestConsole : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StringBuilder _seen = new();
    private readonly Task _reader;
    private readonly CancellationTokenSource _stop = new();

    private GuestConsole(Socket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoop);
    }

    public static async Task<GuestConsole> ConnectAsync(string path, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);
        return new GuestConsole(socket);
    }

    public string Text
    {
        get { lock (_seen) return _seen.ToString(); }
    }

    /// <summary>Waits until <paramref name="text"/> has appeared <paramref name="times"/> times.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout, int times = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count(Text, text) < times)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{text}' (x{times}) not seen on the console within {timeout.TotalSeconds} s; console so far:\n{Tail(Text)}");
            await Task.Delay(50);
        }
    }

    public async Task TypeAsync(string line) =>
        await _socket.SendAsync(Encoding.ASCII.GetBytes(line + "\n"), SocketFlags.None);

    private async Task ReadLoop()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                    return;
                lock (_seen)
                    _seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    internal static int Count(string haystack, string needle)
    {
        int count = 0;
        for (int at = haystack.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    internal static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _reader;
        _stop.Dispose();
    }
}
