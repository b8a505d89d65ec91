using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// A real OpenSSH server in a network namespace standing for a migration target host, set up as
/// an admin would for Xen's xl: key login as root, and an environment in which `xl` is this build's
/// xl talking to the target's xenod (<c>SetEnv XENO_PREFIX</c>, xl first on PATH). The sender's side
/// is an ssh_config (key, known host) that <see cref="SenderCommand"/> mounts over
/// /etc/ssh/ssh_config in the sender's private mount namespace, so xl's default rune
/// <c>ssh &lt;host&gt; xl migrate-receive</c> runs unchanged.
/// </summary>
internal sealed class SshTarget : IDisposable
{
    private const string PrivsepDir = "/run/sshd";
    private readonly Process _sshd;
    private readonly bool _madePrivsepDir;
    private readonly string _dir;
    private readonly Task<string> _log;

    private SshTarget(string dir, Process sshd, bool madePrivsepDir, Task<string> log)
    {
        _dir = dir;
        _sshd = sshd;
        _madePrivsepDir = madePrivsepDir;
        _log = log;
    }

    /// <summary>The client config the sender uses (mounted over /etc/ssh/ssh_config).</summary>
    public string ClientConfig => Path.Combine(_dir, "ssh_config");

    public static async Task<SshTarget> StartAsync(string netns, string address, string targetPrefix, string dir)
    {
        Directory.CreateDirectory(dir);
        Keygen(Path.Combine(dir, "host_key"));
        Keygen(Path.Combine(dir, "client_key"));
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"));
        var hostKey = File.ReadAllText(Path.Combine(dir, "host_key.pub")).Split(' ');
        File.WriteAllText(Path.Combine(dir, "known_hosts"), $"{address} {hostKey[0]} {hostKey[1]}\n");
        File.WriteAllText(Path.Combine(dir, "sshd_config"),
            $"ListenAddress {address}\nPort 22\nHostKey {dir}/host_key\nPidFile none\n" +
            $"AuthorizedKeysFile {dir}/authorized_keys\nStrictModes no\nUsePAM no\n" +
            "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n" +
            $"SetEnv XENO_PREFIX={targetPrefix} PATH={AppContext.BaseDirectory.TrimEnd('/')}:/usr/sbin:/usr/bin:/sbin:/bin\n");
        File.WriteAllText(Path.Combine(dir, "ssh_config"),
            $"Host *\n  User root\n  IdentityFile {dir}/client_key\n  IdentitiesOnly yes\n" +
            $"  UserKnownHostsFile {dir}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n");

        // sshd insists on its privilege separation directory (the service normally makes it).
        bool made = !Directory.Exists(PrivsepDir);
        if (made)
            Directory.CreateDirectory(PrivsepDir);
        var info = new ProcessStartInfo("ip", ["netns", "exec", netns, "/usr/sbin/sshd", "-D", "-e", "-f", Path.Combine(dir, "sshd_config")])
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
        var target = new SshTarget(dir, sshd, made, log);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        if (sshd.HasExited)
        {
            target.Dispose();
            throw new InvalidOperationException("sshd did not start: " + await log);
        }
        return target;
    }

    /// <summary>
    /// argv running <paramref name="command"/> in <paramref name="netns"/> with this target's client
    /// config as /etc/ssh/ssh_config (ip netns exec gives the command its own mount namespace, whose
    /// mounts do not reach the host).
    /// </summary>
    public string[] SenderCommand(string netns, params string[] command) =>
        ["ip", "netns", "exec", netns, "sh", "-c", "mount --bind \"$0\" /etc/ssh/ssh_config && exec \"$@\"", ClientConfig, .. command];

    /// <summary>sshd's log so far (it ends when sshd does).</summary>
    public string Log => _log.IsCompleted ? _log.Result : "(sshd still running)";

    private static void Keygen(string path)
    {
        var (exit, _, err) = Network.TestNet.TryRun("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path);
        if (exit != 0)
            throw new InvalidOperationException("ssh-keygen: " + err);
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
        if (_madePrivsepDir && Directory.Exists(PrivsepDir) && !Directory.EnumerateFileSystemEntries(PrivsepDir).Any())
            Directory.Delete(PrivsepDir);
    }
}
