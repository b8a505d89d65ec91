using System.Globalization;
using Xeno.Engine.Tests.Support;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// A real OpenSSH server on a free loopback port set up as docs/panel.md tells an admin to (an
/// AuthorizedKeysCommand of `xeno-panel authorized-keys` and nothing else letting keys in), with
/// the menu's account being root here (the test's own user; the docs' `xeno`) under
/// PermitRootLogin forced-commands-only. sshd checks that the AuthorizedKeysCommand and every
/// folder above it are root's and not writable by others, which /tmp is not, so the command is a
/// two-line script in a folder of /run of its own. The sshd process is Xeno.Engine.Tests'
/// <see cref="SshdProcess"/> (linked). Dispose stops sshd and removes what it made.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class MenuSshd : IDisposable
{
    private readonly SshdProcess _sshd;

    private MenuSshd(string dir, string commandDir, int port, SshdProcess sshd)
    {
        Dir = dir;
        CommandDir = commandDir;
        Port = port;
        _sshd = sshd;
    }

    public string Dir { get; }
    public string CommandDir { get; }
    public int Port { get; }
    /// <summary>sshd's process id.</summary>
    public int Pid => _sshd.Pid;

    /// <summary>sshd's log, once it ended (after Dispose).</summary>
    public string Log => _sshd.Log;

    /// <param name="panel">The xeno-panel program (this build's apphost).</param>
    public static async Task<MenuSshd> StartAsync(string dir, string panel, string prefix)
    {
        Directory.CreateDirectory(dir);
        Keygen(Path.Combine(dir, "host_key"));
        var commandDir = Path.Combine("/run", "xps-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(commandDir);
        File.SetUnixFileMode(commandDir, (UnixFileMode)0b111_101_101);
        var command = Path.Combine(commandDir, "authorized-keys");
        File.WriteAllText(command,
            "#!/bin/sh\n" +
            $"exec {panel} authorized-keys --prefix {prefix} --Panel:SshAccount=root \"--Panel:SshMenuCommand={panel} ssh-menu\" \"$@\"\n");
        File.SetUnixFileMode(command, (UnixFileMode)0b111_101_101);

        int port = SshdProcess.FreeLoopbackPort();
        File.WriteAllText(Path.Combine(dir, "sshd_config"),
            $"ListenAddress 127.0.0.1\nPort {port.ToString(CultureInfo.InvariantCulture)}\nHostKey {dir}/host_key\nPidFile none\n" +
            "UsePAM no\nStrictModes no\nPermitRootLogin forced-commands-only\n" +
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nAuthenticationMethods publickey\n" +
            "AuthorizedKeysFile none\n" +
            $"AuthorizedKeysCommand {command} %u %t %k\nAuthorizedKeysCommandUser root\n" +
            "DisableForwarding yes\nPermitUserRC no\nPermitUserEnvironment no\n");
        File.WriteAllText(Path.Combine(dir, "known_hosts"),
            $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {SshdProcess.PublicKey(Path.Combine(dir, "host_key.pub"))}\n");
        try
        {
            return new MenuSshd(dir, commandDir, port, await SshdProcess.StartAsync(Path.Combine(dir, "sshd_config")));
        }
        catch
        {
            Directory.Delete(commandDir, recursive: true);
            throw;
        }
    }

    /// <summary>The ssh command line logging in as root with <paramref name="key"/> on a terminal (-tt).</summary>
    public string ClientCommand(string key) =>
        $"ssh -tt -F /dev/null -p {Port.ToString(CultureInfo.InvariantCulture)} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes " +
        $"-o UserKnownHostsFile={Dir}/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes root@127.0.0.1";

    public static void Keygen(string path, string comment = "") => SshdProcess.Keygen(path, comment);

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _sshd.Dispose();
        Directory.Delete(CommandDir, recursive: true);
    }
}
