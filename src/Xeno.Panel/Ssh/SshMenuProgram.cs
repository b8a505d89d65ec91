using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Xeno.Cli.Interop;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Ssh;

/// <summary>
/// `xeno-panel ssh-menu --key N [--prefix P]`: the command sshd forces for a panel key (the line
/// <see cref="AuthorizedKeysCommand"/> printed). The key id names the user; the menu runs on the
/// session's terminal until quit, the end of input or a hang-up. SSH_ORIGINAL_COMMAND (what the
/// client asked to run) is never run: the menu says it ignored it.
/// </summary>
public static class SshMenuProgram
{
    public static async Task<int> RunAsync(PanelOptions options, string[] args, TextWriter err)
    {
        int at = Array.IndexOf(args, "--key");
        if (at < 0 || at + 1 >= args.Length || !long.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long keyId))
        {
            err.WriteLine("usage: xeno-panel ssh-menu --key N [--prefix P]   (forced by sshd for a panel key: see docs/panel.md)");
            return 2;
        }
        if (SshDatabase.Open(options, err) is not { } db)
            return 1;
        var audit = new AuditLog(db);
        string remote = SshClientAddress.Remote(Environment.GetEnvironmentVariable("SSH_CONNECTION"));
        var keys = new SshKeys(db);
        var users = new Users(db);
        // The key may have been removed between sshd's check and now: then nobody is logged in.
        if (keys.Get(keyId) is not { } key || users.Get(key.UserId) is not { } user)
        {
            audit.Write(null, "ssh.login", null, remote, "refused", $"key {keyId} is no longer registered");
            err.WriteLine("xeno-panel: this key is no longer registered in the panel");
            return 1;
        }
        if (user.Disabled)
        {
            audit.Write(user.Name, "ssh.login", null, remote, "refused", "the account is disabled");
            err.WriteLine("xeno-panel: this account is disabled; ask an administrator");
            return 1;
        }
        var hosts = new Hosts(db);
        hosts.EnsureLocal(options.SocketPath);
        using var xenod = new XenodClients(hosts, options);
        var services = SshMenuServices.For(db, xenod, hosts, audit, options, TimeProvider.System);

        using var hangUp = new CancellationTokenSource();
        // A hang-up ends the menu cleanly (audited); ^C and ^\ at the menu do nothing (the terminal drops the line).
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; hangUp.Cancel(); });
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; hangUp.Cancel(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var onQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true);

        // fd 0 and 1 as plain read(2)/write(2): System.Console edits lines itself and writes keypad sequences on a terminal.
        using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        using var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        bool terminal = TerminalMode.IsTerminal(0);
        var session = new SshMenuSession(user, key, remote);
        audit.Write(user.Name, "ssh.login", null, remote, "ok", $"key {key.Fingerprint}{(key.Comment.Length > 0 ? " (" + key.Comment + ")" : "")}");
        var greeting = $"Xeno management menu for {user.Name} (key {key.Fingerprint}), from {SshClientAddress.From(Environment.GetEnvironmentVariable("SSH_CONNECTION"))}.\n";
        if (Environment.GetEnvironmentVariable("SSH_ORIGINAL_COMMAND") is { Length: > 0 })
            greeting += "(This account runs only this menu; the command you gave was ignored.)\n";
        string how;
        try
        {
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(greeting));
            var menu = new SshMenu(session, new MenuInput(stdin), stdout, () => terminal ? TerminalMode.Raw(0) : null, services);
            how = await menu.RunAsync(hangUp.Token);
        }
        catch (IOException)
        {
            how = "hang-up";
        }
        audit.Write(user.Name, "ssh.logout", null, remote, "ok", how);
        return 0;
    }
}
