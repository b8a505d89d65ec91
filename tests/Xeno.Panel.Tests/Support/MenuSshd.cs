using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// A real OpenSSH server on a free loopback port set up as docs/panel.md tells an admin to (an
/// AuthorizedKeysCommand of `xeno-panel authorized-keys` and nothing else letting keys in), with
/// the menu's account being root here (the test's own user; the docs' `xeno`) under
/// PermitRootLogin forced-commands-only. sshd checks that the AuthorizedKeysCommand and every
/// folder above it are root's and not writable by others, which /tmp is not, so the command is a
/// two-line script in a folder of /run of its own. Dispose stops sshd and removes what it made.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class MenuSshd : IDisposable
{
    private const string PrivsepDir = "/run/sshd";
    private readonly Process _sshd;
    private readonly Task<string> _log;
    private readonly bool _madePrivsepDir;

    private MenuSshd(string dir, string commandDir, int port, Process sshd, Task<string> log, bool madePrivsepDir)
    {
        Dir = dir;
        CommandDir = commandDir;
        Port = port;
        _sshd = sshd;
        Pid = sshd.Id;
        _log = log;
        _madePrivsepDir = madePrivsepDir;
    }

    public string Dir { get; }
    public string CommandDir { get; }
    public int Port { get; }
    /// <summary>sshd's process id (kept: the Process object forgets it once disposed).</summary>
    public int Pid { get; }

    /// <summary>sshd's log so far is not readable while it runs; this waits for its end (after Dispose).</summary>
    public string Log => _log.IsCompleted ? _log.Result : "(sshd still running)";

    /// <param name="panel">The xeno-panel program (this build's apphost).</param>
    public static async Task<MenuSshd> StartAsync(string dir, string panel, string prefix)
    {
        Directory.CreateDirectory(dir);
        Keygen(Path.Combine(dir, "host_key"));
        string tag = Path.GetFileName(dir);
        var commandDir = Path.Combine("/run", "xps-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(commandDir);
        File.SetUnixFileMode(commandDir, (UnixFileMode)0b111_101_101);
        var command = Path.Combine(commandDir, "authorized-keys");
        File.WriteAllText(command,
            "#!/bin/sh\n" +
            $"exec {panel} authorized-keys --prefix {prefix} --Panel:SshAccount=root \"--Panel:SshMenuCommand={panel} ssh-menu\" \"$@\"\n");
        File.SetUnixFileMode(command, (UnixFileMode)0b111_101_101);

        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "sshd_config"),
            $"ListenAddress 127.0.0.1\nPort {port.ToString(CultureInfo.InvariantCulture)}\nHostKey {dir}/host_key\nPidFile none\n" +
            "UsePAM no\nStrictModes no\nPermitRootLogin forced-commands-only\n" +
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nAuthenticationMethods publickey\n" +
            "AuthorizedKeysFile none\n" +
            $"AuthorizedKeysCommand {command} %u %t %k\nAuthorizedKeysCommandUser root\n" +
            "DisableForwarding yes\nPermitUserRC no\nPermitUserEnvironment no\n");
        var hostKey = File.ReadAllText(Path.Combine(dir, "host_key.pub")).Split(' ');
        File.WriteAllText(Path.Combine(dir, "known_hosts"), $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {hostKey[0]} {hostKey[1]}\n");

        bool made = !Directory.Exists(PrivsepDir);
        if (made)
            Directory.CreateDirectory(PrivsepDir);
        var info = new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", Path.Combine(dir, "sshd_config")])
        {
            UseShellExecute = false, RedirectStandardError = true,
        };
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
        var server = new MenuSshd(dir, commandDir, port, sshd, log, made);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        if (sshd.HasExited)
        {
            server.Dispose();
            throw new InvalidOperationException($"sshd ({tag}) did not start: " + await log);
        }
        return server;
    }

    /// <summary>The ssh command line logging in as root with <paramref name="key"/> on a terminal (-tt).</summary>
    public string ClientCommand(string key) =>
        $"ssh -tt -F /dev/null -p {Port.ToString(CultureInfo.InvariantCulture)} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes " +
        $"-o UserKnownHostsFile={Dir}/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes root@127.0.0.1";

    public static void Keygen(string path, string comment = "")
    {
        var info = new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]) { UseShellExecute = false, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException("ssh-keygen: " + err);
    }

    private static int FreePort()
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
        Directory.Delete(CommandDir, recursive: true);
        // The privilege separation folder is the sshd service's; removed only if this made it and no other sshd runs.
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
