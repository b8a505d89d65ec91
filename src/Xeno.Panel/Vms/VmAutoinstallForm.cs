using Xeno.Config.Install;
using Xeno.Panel.Ssh;

namespace Xeno.Panel.Vms;

/// <summary>What the create form asks xenod's autoinstaller for: Debian on the new disk, with these logins.</summary>
public sealed record VmAutoinstall(string Hostname, string? RootPassword, string? AuthorizedKeys);

/// <summary>
/// The create form's boot choice (empty disk or "autoinstall Debian") and the autoinstall's
/// fields, untrusted text from the browser, checked with xl guest-install's own checks
/// (<see cref="InstallValues"/>). Each message names its field. Never throws on any input.
/// </summary>
public static class VmAutoinstallForm
{
    /// <summary>Debian's own floor (xenod refuses less).</summary>
    public const int MinMemoryMib = 128;

    /// <summary>True when the form asks for an autoinstall; an unknown choice is an error.</summary>
    public static (bool Autoinstall, string? Error) ParseBoot(string? boot) => (boot ?? "").Trim() switch
    {
        "" or "empty" => (false, null),
        "autoinstall" => (true, null),
        _ => (false, "Boot: choose an empty disk or an autoinstalled Debian."),
    };

    /// <param name="storedKeys">The owner's SSH keys in the panel, used when the form gives none.</param>
    public static (VmAutoinstall? Install, IReadOnlyList<string> Errors) Parse(
        string vmName, string? hostname, string? rootPassword, string? sshKeys, int memoryMib, IReadOnlyList<StoredSshKey> storedKeys)
    {
        var errors = new List<string>();
        var host = (hostname ?? "").Trim();
        if (host.Length == 0) host = vmName;
        if (InstallValues.HostnameProblem(host) is { } hostProblem)
            errors.Add($"Host name: {hostProblem}.");
        if (memoryMib is > 0 and < MinMemoryMib)
            errors.Add($"Memory (MiB): an autoinstalled Debian needs at least {MinMemoryMib} MiB.");

        string? keys = null;
        var keyText = (sshKeys ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (keyText.Length == 0 && storedKeys.Count > 0)
            keyText = string.Join("\n", storedKeys.Select(k => $"{k.Type} {k.Blob} {k.Comment}".TrimEnd()));
        if (keyText.Length > 0)
        {
            if (InstallValues.AuthorizedKeys(keyText + "\n", out var k) is { } keyProblem)
                errors.Add($"SSH keys: {keyProblem}.");
            else
                keys = k;
        }

        string? password = null;
        if (!string.IsNullOrEmpty(rootPassword))
        {
            if (rootPassword.Contains('\n') || rootPassword.Contains('\r'))
                errors.Add("Root password: write it on one line.");
            else if (InstallValues.RootPassword(System.Text.Encoding.UTF8.GetBytes(rootPassword), out var p) is { } passwordProblem)
                errors.Add($"Root password: {passwordProblem}.");
            else
                password = p;
        }
        if (keys is null && password is null && errors.Count == 0)
            errors.Add("Login: give a root password or an SSH key (or add one to your account), or the new system has no way in.");
        return errors.Count > 0 ? (null, errors) : (new VmAutoinstall(host, password, keys), errors);
    }
}
