namespace Xeno.Daemon;

internal static class Program
{
    private static Task<int> Main(string[] args) => DaemonMain.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
