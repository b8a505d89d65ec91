using System.Runtime.InteropServices;
using Xeno.Host;
using Xeno.Store.Server;

namespace Xeno.Daemon;

/// <summary>`xenod xenstored`: runs the xenstore server in the foreground until SIGTERM/SIGINT.</summary>
internal static class XenstoredMode
{
    internal sealed record Settings(string Socket, string StateDirectory, string DomainSocketDirectory, bool Sync);

    /// <summary>Parses the mode's options; returns null and an error text on bad input.</summary>
    internal static Settings? Parse(string[] args, out string? error)
    {
        string? socket = null, stateDir = null, prefix = null;
        var sync = false;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            string? Value()
            {
                if (i + 1 < args.Length) return args[++i];
                return null;
            }
            switch (args[i])
            {
                case "--socket": socket = Value(); if (socket is null) { error = "--socket needs a path"; return null; } break;
                case "--state-dir": stateDir = Value(); if (stateDir is null) { error = "--state-dir needs a directory"; return null; } break;
                case "--prefix": prefix = Value(); if (prefix is null) { error = "--prefix needs a directory"; return null; } break;
                case "--sync": sync = true; break;
                default: error = $"unknown option '{args[i]}'"; return null;
            }
        }
        if (socket is null) { error = "--socket PATH is required"; return null; }
        prefix ??= "/";
        return new Settings(
            socket,
            stateDir ?? new HostLayout(prefix).XenstoreStateDir,
            new HostLayout(prefix).XenstoreDomainSocketDir,
            sync);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var settings = Parse(args, out var error);
        if (settings is null)
        {
            await stderr.WriteAsync($"xenod xenstored: {error}\n{DaemonMain.Usage}").ConfigureAwait(false);
            return 2;
        }
        XenStoreServer server;
        try
        {
            server = XenStoreServer.Start(new XenStoreServerOptions
            {
                SocketPath = settings.Socket,
                StateDirectory = settings.StateDirectory,
                DomainSocketDirectory = settings.DomainSocketDirectory,
                SyncToDisk = settings.Sync,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            await stderr.WriteAsync($"xenod xenstored: cannot start: {ex.Message}\n").ConfigureAwait(false);
            return 1;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        await stdout.WriteAsync($"xenstored listening on {settings.Socket}\n").ConfigureAwait(false);
        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await server.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
