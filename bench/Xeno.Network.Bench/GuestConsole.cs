using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Xeno.Network.Bench;

/// <summary>
/// A guest's console shell over a unix socket (xenod's console hub, or a bare QEMU's own console
/// chardev): commands typed in, answers waited for by a number the shell computes (the echo of
/// the typed line never matches).
/// </summary>
internal sealed class GuestConsole : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly StringBuilder _text = new();
    private int _n;

    private GuestConsole()
    {
    }

    public static async Task<GuestConsole> AttachAsync(string path)
    {
        var c = new GuestConsole();
        await c._socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        _ = Task.Run(c.PumpAsync);
        return c;
    }

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }

    public Task TypeAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None);

    /// <summary>Runs <paramref name="command"/> in the guest's shell; true when it exited 0.</summary>
    public async Task<bool> RunAsync(string command, TimeSpan timeout)
    {
        int n = Interlocked.Increment(ref _n) * 1000;
        await TypeAsync($"{command} >/dev/null 2>&1 && echo RC-$(({n}+1)) || echo RC-$(({n}+2))\n");
        string ok = $"RC-{n + 1}", failed = $"RC-{n + 2}";
        await WaitForAsync(t => t.Contains(ok, StringComparison.Ordinal) || t.Contains(failed, StringComparison.Ordinal), $"the guest to answer \"{command}\"", timeout);
        return Text.Contains(ok, StringComparison.Ordinal);
    }

    public async Task WaitForAsync(Func<string, bool> seen, string what, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!seen(Text))
        {
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:F0} s for {what}; console:\n{Tail()}");
            await Task.Delay(10);
        }
    }

    private string Tail()
    {
        var t = Text;
        return t.Length > 2000 ? t[^2000..] : t;
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                lock (_text) _text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
