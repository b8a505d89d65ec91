using System.Globalization;
using System.Text.RegularExpressions;

namespace Xeno.Panel.Ssh;

/// <summary>
/// `xeno-panel authorized-keys USER TYPE KEY`, sshd's AuthorizedKeysCommand (…%u %t %k): when
/// USER is the menu's account and the offered key is an owner's, prints the one authorized_keys
/// line that lets it in, bound to the menu: <c>restrict,pty,command="… ssh-menu --key N" type blob</c>.
/// Anything else prints nothing, so sshd refuses the key. The key decides the owner: the menu
/// reads its owner from the key id sshd forces, never from the client.
/// </summary>
public static partial class AuthorizedKeysCommand
{
    /// <summary>Words the forced command may hold: sshd hands it to the account's shell (sh -c), so nothing a shell would interpret.</summary>
    [GeneratedRegex(@"^/[A-Za-z0-9/._+=:,@%-]*( [A-Za-z0-9/._+=:,@%-]+)*$")]
    private static partial Regex ShellSafeCommand();

    [GeneratedRegex(@"^[A-Za-z0-9/._+=:,@%-]+$")]
    private static partial Regex ShellSafeWord();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex AccountName();

    public static IReadOnlyList<string> Problems(PanelOptions o)
    {
        var problems = new List<string>();
        if (!ShellSafeCommand().IsMatch(o.SshMenuCommand))
            problems.Add("Panel:SshMenuCommand must be an absolute program path and arguments of letters, digits and /._+=:,@%- separated by single spaces (sshd runs it through the shell)");
        if (!AccountName().IsMatch(o.SshAccount))
            problems.Add("Panel:SshAccount must be a system account name (lower-case letters, digits, _ and -)");
        return problems;
    }

    /// <summary>The forced command for one stored key.</summary>
    public static string MenuCommand(PanelOptions o, long keyId) =>
        o.SshMenuCommand + (o.Prefix == "/" ? "" : " --prefix " + o.Prefix) + " --key " + keyId.ToString(CultureInfo.InvariantCulture);

    /// <summary>What sshd reads for <paramref name="account"/> offering (<paramref name="type"/>, <paramref name="base64"/>): one line or none.</summary>
    public static IReadOnlyList<string> Lines(PanelOptions o, string account, string type, string base64, Func<SshPublicKey, StoredSshKey?> find)
    {
        if (account != o.SshAccount || SshPublicKey.FromOffered(type, base64) is not { } offered || find(offered) is not { } stored)
            return [];
        return [$"restrict,pty,command=\"{MenuCommand(o, stored.Id)}\" {stored.Type} {stored.Blob}"];
    }

    /// <summary>The command's run: exit 0 with the lines (maybe none), 2 on bad arguments or settings (sshd then refuses too).</summary>
    public static int Run(PanelOptions o, IReadOnlyList<string> positional, SshKeys keys, TextWriter output, TextWriter err)
    {
        if (positional.Count != 3)
        {
            err.WriteLine("usage: xeno-panel authorized-keys USER TYPE KEY [--prefix P]   (sshd: AuthorizedKeysCommand … %u %t %k)");
            return 2;
        }
        var problems = Problems(o).ToList();
        // Checked here, not at the panel's start: only the forced command has to carry it.
        if (!ShellSafeWord().IsMatch(o.Prefix))
            problems.Add("the prefix holds characters the SSH menu's forced command cannot carry (letters, digits and /._+=:,@%- only)");
        if (problems.Count > 0)
        {
            err.WriteLine("xeno-panel: " + string.Join("; ", problems));
            return 2;
        }
        foreach (var line in Lines(o, positional[0], positional[1], positional[2], keys.FindForLogin))
            output.WriteLine(line);
        return 0;
    }
}
