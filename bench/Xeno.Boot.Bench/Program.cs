using System.Text;
using Xeno.Boot.Bench;

// Xeno.Boot benchmark: builds its disk images with the real tools, measures, writes markdown.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Directory.CreateDirectory(options.WorkDirectory);
try
{
    var images = new BenchImages(options);
    IBenchSection[] sections = [new ExtractionSection(), new LargeImageSection(), new PygrubRaceSection()];
    var report = new StringBuilder();
    report.AppendLine("## Xeno.Boot: reading guest disks");
    report.AppendLine();
    report.AppendLine($"{(options.Quick ? "Quick run (smaller images, fewer repetitions). " : "")}Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}.");
    report.AppendLine("Other load on the machine (1-minute load average, from /proc/loadavg) as each section started and at the end:");
    var loads = new List<string>();
    var body = new StringBuilder();
    foreach (var section in sections)
    {
        Console.Error.WriteLine($"running: {section.Title}");
        loads.Add(LoadAverage());
        body.AppendLine($"### {section.Title}");
        body.AppendLine();
        body.AppendLine(section.Run(images, options));
    }
    loads.Add(LoadAverage());
    report.AppendLine(string.Join(", ", loads) + $" ({Environment.ProcessorCount} cores: above {Environment.ProcessorCount}, processes were waiting for a core).");
    report.AppendLine();
    report.Append(body);
    File.WriteAllText(options.Output, report.ToString());
    Console.Error.WriteLine($"wrote {options.Output}");
    return 0;
}
finally
{
    if (!options.KeepWork)
    {
        Directory.Delete(options.WorkDirectory, recursive: true);
    }
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "unknown";
    }
}
