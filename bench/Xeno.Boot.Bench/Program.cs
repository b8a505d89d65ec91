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
    report.AppendLine();
    foreach (var section in sections)
    {
        Console.Error.WriteLine($"running: {section.Title}");
        report.AppendLine($"### {section.Title}");
        report.AppendLine();
        report.AppendLine(section.Run(images, options));
    }
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
