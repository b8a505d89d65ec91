using System.Diagnostics;

namespace Xeno.Engine.Bench;

/// <summary>
/// The xenod and xl executables the fleet run starts as real processes: as installed
/// (published Release + ReadyToRun, like scripts/setup does), or the bench's own build output.
/// </summary>
internal sealed record Programs(string Xenod, string Xl, string Description)
{
    /// <summary>The JIT-compiled copies MSBuild puts next to the bench (project references).</summary>
    public static Programs BuildOutput() =>
        new(Path.Combine(AppContext.BaseDirectory, "xenod"), Path.Combine(AppContext.BaseDirectory, "xl"),
            "the Release build output (JIT-compiled at run time, not ReadyToRun)");

    /// <summary>A tree laid out like the repository's out/: DIR/xenod/xenod and DIR/xl/xl.</summary>
    public static Programs From(string dir) =>
        new(Path.Combine(dir, "xenod/xenod"), Path.Combine(dir, "xl/xl"), $"the published programs in {dir}");

    /// <summary>Publishes both programs the way scripts/lib/build.sh installs them.</summary>
    public static Programs Publish(string dir)
    {
        foreach (var (name, project) in new[] { ("xenod", "src/Xeno.Daemon"), ("xl", "src/Xeno.Cli") })
        {
            Console.Error.WriteLine($"publishing {name} (Release, ReadyToRun)");
            var info = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "publish", Path.Combine(GuestKit.RepoRoot(), project), "-c", "Release", "-r", "linux-x64",
                    "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", Path.Combine(dir, name), "-v", "quiet", "-nologo",
                },
                UseShellExecute = false,
            };
            using var p = Process.Start(info)!;
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"dotnet publish {project} failed ({p.ExitCode})");
        }
        return From(dir) with { Description = "published like scripts/setup installs them (Release, ReadyToRun, framework-dependent)" };
    }
}
