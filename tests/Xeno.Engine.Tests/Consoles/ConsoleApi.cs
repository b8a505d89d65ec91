using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>Plain HTTP over xenod's API socket, as a web console would use it.</summary>
internal sealed class ConsoleApi : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleApi(string prefix)
    {
        var socket = Path.Combine(prefix, "run/xeno/xenod.sock");
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                return new NetworkStream(s, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://xenod") };
    }

    public async Task<(int Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!);
    }

    /// <summary>GET /v1/domains/{dom}/console's "output".</summary>
    public async Task<string> RecentOutputAsync(string dom)
    {
        var (status, body) = await GetAsync($"/v1/domains/{dom}/console");
        Assert.Equal(200, status);
        return body["output"]!.GetValue<string>();
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A raw client of a console hub socket that collects everything it reads.</summary>
internal sealed class ConsoleReader : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly MemoryStream _seen = new();
    private Task _pump = Task.CompletedTask;

    private ConsoleReader()
    {
    }

    /// <summary>Attaches; with <paramref name="read"/> false it never reads (a stalled client).</summary>
    public static async Task<ConsoleReader> AttachAsync(string path, bool read = true)
    {
        var r = new ConsoleReader();
        await r._socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        if (read)
            r._pump = Task.Run(r.PumpAsync);
        return r;
    }

    public bool Ended { get; private set; }

    public string Text
    {
        get
        {
            lock (_seen)
                return Encoding.UTF8.GetString(_seen.ToArray());
        }
    }

    /// <summary>Whether the last <paramref name="window"/> bytes read contain <paramref name="text"/> (cheap on megabytes).</summary>
    public bool TailContains(string text, int window = 4096)
    {
        lock (_seen)
        {
            var all = _seen.GetBuffer().AsSpan(0, (int)_seen.Length);
            return Encoding.UTF8.GetString(all[Math.Max(0, all.Length - window)..]).Contains(text, StringComparison.Ordinal);
        }
    }

    /// <summary>Everything read so far.</summary>
    public byte[] Bytes
    {
        get
        {
            lock (_seen)
                return _seen.ToArray();
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                lock (_seen)
                    _seen.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        Ended = true;
    }

    public Task TypeAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None);

    /// <summary>For a stalled client: whether the hub has closed it (reads until end of stream).</summary>
    public async Task<bool> DrainsToEndAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[65536];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _pump.Wait(TimeSpan.FromSeconds(5));
    }
}
