using Xeno.Pygrub;
using Xeno.Pygrub.Files;

var host = new PygrubHost
{
    Stdout = Console.OpenStandardOutput(),
    Stderr = Console.OpenStandardError(),
    OpenImage = HostImages.Open,
    IsTerminal = !Console.IsInputRedirected && !Console.IsOutputRedirected,
    MaxFileBytes = HostImages.MaxFileBytes(Environment.GetEnvironmentVariable("PYGRUB_MAX_FILE_SIZE_MB")),
};
return new PygrubCommand(host).Run(args);
