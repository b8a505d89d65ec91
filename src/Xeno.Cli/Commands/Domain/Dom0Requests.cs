namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// Requests aimed at Domain-0. Under Xeno, Domain-0 is the host itself (xl list shows it), not a
/// domain xenod runs, so xl answers these here as Xen's xl answers for dom0 instead of passing
/// them to xenod (which would say it does not exist). Xen refuses to pause or unpause the
/// domain it runs in (EINVAL from the hypervisor, which libxl logs and xl ignores: exit 0);
/// renaming and shutting down the host are refused with libxl's failure lines and exit 1.
/// </summary>
public static class Dom0Requests
{
    /// <summary>"Domain-0", or a number xl's find_domain reads as 0 ("0", "00").</summary>
    public static bool Names(string arg) =>
        arg == "Domain-0" || (arg.Length > 0 && arg.All(char.IsAsciiDigit) && arg.All(c => c == '0'));

    public const string PauseRefused = "libxl: error: Domain 0:Pausing domain: Invalid argument\n";

    public const string UnpauseRefused = "libxl: error: Domain 0:Unpausing domain: Invalid argument\n";

    public static string RenameRefused(string dom) =>
        "libxl: error: Domain 0:Domain-0 is the host itself under Xeno; its name cannot change\n" +
        $"Can't rename domain '{dom}'.\n";

    /// <summary>After xl's "Shutting down domain 0" / "Rebooting domain 0" line.</summary>
    public static string ShutdownRefused(bool reboot) =>
        $"libxl: error: Domain 0:Domain-0 is the host itself under Xeno; xl does not {(reboot ? "reboot" : "shut down")} the host " +
        $"(use the host's own {(reboot ? "reboot" : "shutdown")})\n{(reboot ? "reboot" : "shutdown")} failed (rc=-3)\n";
}
