using Xeno.Engine.Bench;

namespace Xeno.Migration.Bench;

/// <summary>
/// The migration benchmark: live migration (idle and dirtying guest), save / restore and the
/// --copy-storage disk copy (against cp, qemu-img convert and QEMU's own mirror), Xeno
/// against bare QEMU on the same argument vector, side by side in one run. Writes the markdown
/// sections to --out.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: Xeno.Migration.Bench --out FILE.md [--quick] [--runs N] [--only migrate|save|storage] [--disk-mib N]\n";

    /// <summary>Runs a section and puts the host's load at its start and end under its heading (TCG figures move with it).</summary>
    private static async Task<string> WithLoadAsync(Func<Task<string>> section)
    {
        string before = Load();
        var md = await section();
        int heading = md.IndexOf("\n\n", StringComparison.Ordinal) + 2;
        return md[..heading] + $"Host load (1-minute average) {before} at the start, {Load()} at the end, on {Environment.ProcessorCount} cores.\n\n" + md[heading..];
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null, only = null;
        bool quick = false;
        int runs = 3, diskMiB = 512;
        bool ok = BenchArguments.TryRead(args, Usage, (arg, read) =>
        {
            switch (arg)
            {
                case "--out": outFile = read.Value(); break;
                case "--quick": quick = true; break;
                case "--runs": runs = read.Number(); break;
                case "--only": only = read.Value(); break;
                case "--disk-mib": diskMiB = read.Number(); break;
                default: throw read.Unknown();
            }
        });
        if (!ok)
            return 2;
        if (outFile is null || only is not (null or "migrate" or "save" or "storage") || runs < 1 || diskMiB < 1)
        {
            Console.Error.Write(Usage);
            return 2;
        }
        if (quick)
            runs = 1;

        var kit = GuestKit.Build();
        var root = Directory.CreateTempSubdirectory("xemb-").FullName;
        var sections = new List<string>();
        try
        {
            if (only is null or "migrate")
                sections.Add(await WithLoadAsync(() => MigrateBench.RunAsync(kit, runs, Path.Combine(root, "m"))));
            if (only is null or "save")
                sections.Add(await WithLoadAsync(() => SaveRestoreBench.RunAsync(kit, runs, Path.Combine(root, "s"), quick ? [256] : [256, 1024])));
            if (only is null or "storage")
                sections.Add(await WithLoadAsync(() => StorageBench.RunAsync(kit, runs, Path.Combine(root, "st"), quick ? Math.Min(diskMiB, 256) : diskMiB)));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        await File.WriteAllTextAsync(outFile, string.Join("", sections));
        return 0;
    }
}
