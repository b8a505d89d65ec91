namespace Xeno.Cli;

/// <summary>Entry point of `xl`, kept apart from Program so tests can run it in-process.</summary>
public static class XlMain
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        _ = stdout;
        stderr.WriteLine("command not implemented");
        return 1;
    }
}
