using System.Diagnostics;
using System.Net.WebSockets;

namespace Xeno.Panel.Bench.Consoles;

/// <summary>One way of typing into the guest's console and reading what it shows, with all it received.</summary>
internal abstract class EchoChannel : IAsyncDisposable
{
    public ByteLog Log { get; } = new();

    public abstract string Name { get; }

    public abstract Task SendAsync(byte[] bytes);

    /// <summary>
    /// Keystroke round trips: 'q' and the time until its echo arrives, then DEL (erasing it, so
    /// the shell's line stays empty) and its echo's backspace, not timed.
    /// </summary>
    public async Task<List<double>> EchoesAsync(int samples)
    {
        var ms = new List<double>(samples);
        var timeout = TimeSpan.FromSeconds(60);
        for (int i = 0; i < samples; i++)
        {
            int from = Log.Length;
            long t0 = Stopwatch.GetTimestamp();
            await SendAsync("q"u8.ToArray());
            long t1 = await Log.ArrivalOfByteAsync(from, (byte)'q', timeout);
            ms.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            from = Log.Length;
            await SendAsync([0x7f]);
            await Log.ArrivalOfByteAsync(from, 0x08, timeout);
        }
        return ms;
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>A console WebSocket (xenod's attach, or the panel's), read by a task of its own.</summary>
internal sealed class WebSocketChannel : EchoChannel
{
    private readonly WebSocket _ws;
    private readonly Task _reader;

    public WebSocketChannel(string name, WebSocket ws)
    {
        Name = name;
        _ws = ws;
        _reader = Task.Run(ReadAsync);
    }

    public override string Name { get; }

    public Task Reader => _reader;

    public override Task SendAsync(byte[] bytes) => _ws.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    private async Task ReadAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var r = await _ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                Log.Append(buffer.AsSpan(0, r.Count));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (_ws.State == WebSocketState.Open)
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", grace.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _ws.Abort();
        await _reader;
        _ws.Dispose();
    }
}

/// <summary>
/// `xl console NAME` as a process, its standard input and output pipes (xl relays them
/// unbuffered, without a terminal's raw mode): xl's own path to the console hub's socket.
/// </summary>
internal sealed class XlConsoleChannel : EchoChannel
{
    private readonly Process _xl;
    private readonly Thread _reader;

    public XlConsoleChannel(string xl, string prefix, string domain)
    {
        var info = new ProcessStartInfo(xl)
        {
            ArgumentList = { "--prefix", prefix, "console", domain },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _xl = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {xl}");
        _xl.ErrorDataReceived += (_, _) => { };
        _xl.BeginErrorReadLine();
        _reader = new Thread(Read) { IsBackground = true, Name = "xl console reader" };
        _reader.Start();
    }

    public override string Name => "xl console";

    public override Task SendAsync(byte[] bytes)
    {
        _xl.StandardInput.BaseStream.Write(bytes);
        _xl.StandardInput.BaseStream.Flush();
        return Task.CompletedTask;
    }

    private void Read()
    {
        var buffer = new byte[16 * 1024];
        var stream = _xl.StandardOutput.BaseStream;
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0)
                Log.Append(buffer.AsSpan(0, n));
        }
        catch (IOException)
        {
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // The escape character (^]) detaches; input that just ends would keep xl attached.
        try
        {
            await SendAsync([0x1d]);
            _xl.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        var exited = _xl.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(15))) != exited)
            _xl.Kill();
        await _xl.WaitForExitAsync();
        _reader.Join(TimeSpan.FromSeconds(5));
        _xl.Dispose();
    }
}
