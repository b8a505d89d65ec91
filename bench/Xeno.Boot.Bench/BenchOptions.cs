namespace Xeno.Boot.Bench;

/// <summary>Command line of the benchmark: --out FILE (required), --quick, --work DIR (keeps images between runs).</summary>
internal sealed record BenchOptions(string Output, bool Quick, string WorkDirectory, bool KeepWork)
{
    public static BenchOptions Parse(string[] args)
    {
        string? output = null;
        string? work = null;
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--work" when i + 1 < args.Length:
                    work = args[++i];
                    break;
                case "--quick":
                    quick = true;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (usage: --out FILE [--quick] [--work DIR])");
            }
        }
        if (output is null)
        {
            throw new ArgumentException("--out FILE is required");
        }
        bool keep = work is not null;
        work ??= Path.Combine(Path.GetTempPath(), $"xeno-boot-bench-{Environment.ProcessId}");
        return new BenchOptions(output, quick, work, keep);
    }
}
