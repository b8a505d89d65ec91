using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Xeno.Network.Bench;

/// <summary>
/// The host end of a guest's TCP stream: accepts one connection, drops what arrives during
/// <c>warm</c> (slow start, the guest's pipe filling), counts the bytes of the next
/// <c>window</c>, then closes (the guest's sender stops on the broken pipe). Returns MB/s (10^6 bytes).
/// </summary>
internal sealed class TcpSink : IDisposable
{
    private readonly TcpListener _listener;

    public TcpSink(string address)
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task<double> MeasureAsync(TimeSpan warm, TimeSpan window, TimeSpan acceptTimeout)
    {
        using var accept = new CancellationTokenSource(acceptTimeout);
        using var client = await _listener.AcceptTcpClientAsync(accept.Token);
        using var stream = client.GetStream();
        var buffer = new byte[1 << 16];
        var sw = Stopwatch.StartNew();
        long counted = 0;
        TimeSpan? started = null;
        using var stop = new CancellationTokenSource(warm + window + TimeSpan.FromSeconds(30));
        while (true)
        {
            int n = await stream.ReadAsync(buffer, stop.Token);
            if (n == 0)
                throw new InvalidOperationException($"the guest's stream ended after {sw.Elapsed.TotalSeconds:F1} s, before the window closed");
            var now = sw.Elapsed;
            if (now < warm) continue;
            started ??= now;
            counted += n;
            if (now - started.Value >= window)
                return counted / (now - started.Value).TotalSeconds / 1e6;
        }
    }

    public void Dispose() => _listener.Stop();
}
