namespace Xeno.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        return XlMain.Run(args, stdout, stderr);
    }
}
