using Xeno.Pygrub;
using Xeno.Pygrub.Cli;
using Xeno.Pygrub.Files;

var host = new PygrubHost
{
    Stdout = Console.OpenStandardOutput(),
    Stderr = Console.OpenStandardError(),
    OpenImage = HostImages.Open,
    IsTerminal = !Console.IsInputRedirected && !Console.IsOutputRedirected,
    InteractiveMenu = new TerminalMenu(Console.In, Console.Error).Choose,
    MaxFileBytes = HostImages.MaxFileBytes(Environment.GetEnvironmentVariable("PYGRUB_MAX_FILE_SIZE_MB")),
};
return new PygrubCommand(host).Run(args);
