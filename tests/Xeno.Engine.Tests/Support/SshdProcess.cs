using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// A real OpenSSH server for tests (the migration target over ssh here, the panel's SSH menu in
/// Xeno.Panel.Tests, which links this file): `sshd -D -e -f config`, maybe behind a launcher such
/// as `ip netns exec ns`, its log read until it listens. sshd insists on its privilege separation
/// folder (the service normally makes it): made if missing, and removed by Dispose only if this
/// made it, it is empty and no other sshd runs. Dispose stops sshd.
/// </summary>
internal sealed class SshdProcess : IDisposable
{
    public const string PrivsepDir = "/run/sshd";
    private readonly Process _sshd;
    private readonly Task<string> _log;
    private readonly bool _madePrivsepDir;

    private SshdProcess(Process sshd, Task<string> log, bool madePrivsepDir)
    {
        _sshd = sshd;
        Pid = sshd.Id;
        _log = log;
        _madePrivsepDir = madePrivsepDir;
    }

    /// <summary>sshd's process id (kept: the Process object forgets it once disposed).</summary>
    public int Pid { get; }

    /// <summary>sshd's log, once it ended (after Dispose).</summary>
    public string Log => _log.IsCompleted ? _log.Result : "(sshd still running)";

    /// <param name="launcher">argv put before sshd's (e.g. ip netns exec NS), or none.</param>
    public static async Task<SshdProcess> StartAsync(string config, params string[] launcher)
    {
        bool made = !Directory.Exists(PrivsepDir);
        if (made)
            Directory.CreateDirectory(PrivsepDir);
        string[] argv = [.. launcher, "/usr/sbin/sshd", "-D", "-e", "-f", config];
        var info = new ProcessStartInfo(argv[0], argv[1..]) { UseShellExecute = false, RedirectStandardError = true };
        var sshd = Process.Start(info) ?? throw new InvalidOperationException("cannot start sshd");
        var lines = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource();
        var log = Task.Run(async () =>
        {
            while (await sshd.StandardError.ReadLineAsync() is { } line)
            {
                lock (lines)
                    lines.AppendLine(line);
                if (line.StartsWith("Server listening on", StringComparison.Ordinal))
                    listening.TrySetResult();
            }
            listening.TrySetResult();
            lock (lines)
                return lines.ToString();
        });
        var server = new SshdProcess(sshd, log, made);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        if (sshd.HasExited)
        {
            server.Dispose();
            throw new InvalidOperationException($"sshd ({config}) did not start: " + await log);
        }
        return server;
    }

    /// <summary>A passphrase-less ed25519 key pair at <paramref name="path"/> and path.pub.</summary>
    public static void Keygen(string path, string comment = "")
    {
        var info = new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
        {
            UseShellExecute = false, RedirectStandardError = true,
        };
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException("ssh-keygen: " + err);
    }

    /// <summary>"type base64" of a .pub file, for a known_hosts line.</summary>
    public static string PublicKey(string pubPath)
    {
        var parts = File.ReadAllText(pubPath).Split(' ');
        return parts[0] + " " + parts[1].Trim();
    }

    public static int FreeLoopbackPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_sshd.HasExited)
        {
            _sshd.Kill();
            _sshd.WaitForExit();
        }
        _log.Wait(TimeSpan.FromSeconds(10));
        _sshd.Dispose();
        if (_madePrivsepDir && Directory.Exists(PrivsepDir) && !Directory.EnumerateFileSystemEntries(PrivsepDir).Any() && !OtherSshdRuns())
            Directory.Delete(PrivsepDir);
    }

    private static bool OtherSshdRuns() =>
        Directory.EnumerateDirectories("/proc").Any(d =>
        {
            try { return File.ReadAllText(Path.Combine(d, "comm")).Trim() == "sshd"; }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        });
}
