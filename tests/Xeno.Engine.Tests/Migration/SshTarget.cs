using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// A real OpenSSH server (<see cref="SshdProcess"/>) in a network namespace standing for a
/// migration target host, set up as an admin would for Xen's xl: key login as root, and an
/// environment in which `xl` is this build's xl talking to the target's xenod (<c>SetEnv
/// XENO_PREFIX</c>, xl first on PATH). The sender's side is an ssh_config (key, known host) that
/// <see cref="SenderCommand"/> mounts over /etc/ssh/ssh_config in the sender's private mount
/// namespace, so xl's default rune <c>ssh &lt;host&gt; xl migrate-receive</c> runs unchanged.
/// </summary>
internal sealed class SshTarget : IDisposable
{
    private readonly SshdProcess _sshd;
    private readonly string _dir;

    private SshTarget(string dir, SshdProcess sshd)
    {
        _dir = dir;
        _sshd = sshd;
    }

    /// <summary>The client config the sender uses (mounted over /etc/ssh/ssh_config).</summary>
    public string ClientConfig => Path.Combine(_dir, "ssh_config");

    public static async Task<SshTarget> StartAsync(string netns, string address, string targetPrefix, string dir)
    {
        Directory.CreateDirectory(dir);
        SshdProcess.Keygen(Path.Combine(dir, "host_key"));
        SshdProcess.Keygen(Path.Combine(dir, "client_key"));
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"));
        File.WriteAllText(Path.Combine(dir, "known_hosts"), $"{address} {SshdProcess.PublicKey(Path.Combine(dir, "host_key.pub"))}\n");
        File.WriteAllText(Path.Combine(dir, "sshd_config"),
            $"ListenAddress {address}\nPort 22\nHostKey {dir}/host_key\nPidFile none\n" +
            $"AuthorizedKeysFile {dir}/authorized_keys\nStrictModes no\nUsePAM no\n" +
            "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n" +
            $"SetEnv XENO_PREFIX={targetPrefix} PATH={AppContext.BaseDirectory.TrimEnd('/')}:/usr/sbin:/usr/bin:/sbin:/bin\n");
        File.WriteAllText(Path.Combine(dir, "ssh_config"),
            $"Host *\n  User root\n  IdentityFile {dir}/client_key\n  IdentitiesOnly yes\n" +
            $"  UserKnownHostsFile {dir}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n");
        return new SshTarget(dir, await SshdProcess.StartAsync(Path.Combine(dir, "sshd_config"), "ip", "netns", "exec", netns));
    }

    /// <summary>
    /// argv running <paramref name="command"/> in <paramref name="netns"/> with this target's client
    /// config as /etc/ssh/ssh_config (ip netns exec gives the command its own mount namespace, whose
    /// mounts do not reach the host).
    /// </summary>
    public string[] SenderCommand(string netns, params string[] command) =>
        ["ip", "netns", "exec", netns, "sh", "-c", "mount --bind \"$0\" /etc/ssh/ssh_config && exec \"$@\"", ClientConfig, .. command];

    /// <summary>sshd's log (once it ended).</summary>
    public string Log => _sshd.Log;

    public void Dispose() => _sshd.Dispose();
}
