using Xeno.Pygrub;
using Xeno.Boot.CommandLine;
using Xeno.Pygrub.Cli;
using Xeno.Pygrub.Files;

var host = new PygrubHost
{
    Stdout = Console.OpenStandardOutput(),
    Stderr = Console.OpenStandardError(),
    OpenImage = HostImages.Open,
    IsTerminal = !Console.IsInputRedirected && !Console.IsOutputRedirected,
    // Console.In and Console.Error are made only when a menu is shown: their set-up costs start-up time.
    InteractiveMenu = (menu, index) => new TerminalMenu(Console.In, Console.Error).Choose(menu, index),
    MaxFileBytes = HostImages.MaxFileBytes(Environment.GetEnvironmentVariable("PYGRUB_MAX_FILE_SIZE_MB")),
};
return new PygrubCommand(host).Run(args);
