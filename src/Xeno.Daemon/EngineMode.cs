using System.Runtime.InteropServices;
using Xeno.Engine.Hosting;

namespace Xeno.Daemon;

/// <summary>
/// `xenod run [--prefix P] [--foreground] [--socket-group G]`: the domain engine and its API on
/// P/run/xeno/xenod.sock (root only, or root and group G). Runs until SIGTERM/SIGINT; guests keep running after it stops
/// and are re-adopted by the next `xenod run` on the same prefix. Without --foreground the
/// log goes only to P/var/log/xeno/xenod.log (systemd runs it in the foreground anyway).
/// </summary>
internal static class EngineMode
{
    internal sealed record Settings(string Prefix, bool Foreground, string? SocketGroup = null);

    internal static Settings? Parse(string[] args, out string? error)
    {
        string prefix = Environment.GetEnvironmentVariable("XENO_PREFIX") ?? "/";
        bool foreground = false;
        string? socketGroup = null;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefix":
                    if (i + 1 >= args.Length) { error = "--prefix needs a directory"; return null; }
                    prefix = args[++i];
                    break;
                case "--foreground" or "-F":
                    foreground = true;
                    break;
                case "--socket-group":
                    if (i + 1 >= args.Length || args[i + 1].Length == 0) { error = "--socket-group needs a group name"; return null; }
                    socketGroup = args[++i];
                    break;
                default:
                    if (args[i].StartsWith("--prefix=", StringComparison.Ordinal)) { prefix = args[i]["--prefix=".Length..]; break; }
                    if (args[i].StartsWith("--socket-group=", StringComparison.Ordinal))
                    {
                        socketGroup = args[i]["--socket-group=".Length..];
                        if (socketGroup.Length == 0) { error = "--socket-group needs a group name"; return null; }
                        break;
                    }
                    error = $"unknown option '{args[i]}'";
                    return null;
            }
        }
        return new Settings(prefix, foreground, socketGroup);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var settings = Parse(args, out var error);
        if (settings is null)
        {
            await stderr.WriteAsync($"xenod run: {error}\n{DaemonMain.Usage}");
            return 2;
        }
        EngineHost host;
        try
        {
            host = await EngineHost.StartAsync(settings.Prefix, settings.Foreground ? stdout : null,
                options: new Xeno.Engine.Domains.EngineOptions { ApiSocketGroup = settings.SocketGroup }, cancel: cancel);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            await stderr.WriteAsync($"xenod run: cannot start: {ex.Message}\n");
            return 1;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        await stdout.WriteAsync($"xenod listening on {host.Paths.Socket}\n");
        await stdout.FlushAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await host.DisposeAsync();
        return 0;
    }
}
