namespace Xeno.Cli;

internal static class Program
{
    private static int Main(string[] args) => XlMain.Run(args, Console.Out, Console.Error);
}
