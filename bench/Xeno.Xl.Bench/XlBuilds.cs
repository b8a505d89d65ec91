using System.Diagnostics;
using Xeno.Engine.Bench;

namespace Xeno.Xl.Bench;

/// <summary>One way of publishing xl, and where its executable is.</summary>
internal sealed record XlBuild(string Label, string Executable);

/// <summary>
/// The programs the race starts: xenod as scripts/setup installs it (ReadyToRun), and xl published
/// both ways scripts/lib/build.sh knows: Native AOT (when clang and zlib are present) and ReadyToRun.
/// </summary>
internal sealed record XlBuilds(string Xenod, IReadOnlyList<XlBuild> Xl, string? AotMissing)
{
    public const string AotLabel = "Native AOT";
    public const string ReadyToRunLabel = "ReadyToRun";

    /// <summary>A tree from an earlier run: DIR/xenod/xenod, DIR/xl-aot/xl (optional), DIR/xl-r2r/xl.</summary>
    public static XlBuilds From(string dir)
    {
        var xl = new List<XlBuild>();
        var aot = Path.Combine(dir, "xl-aot/xl");
        if (File.Exists(aot)) xl.Add(new(AotLabel, aot));
        xl.Add(new(ReadyToRunLabel, Path.Combine(dir, "xl-r2r/xl")));
        return new(Path.Combine(dir, "xenod/xenod"), xl, File.Exists(aot) ? null : $"no {aot}");
    }

    /// <summary>Publishes xenod and both kinds of xl into <paramref name="dir"/>, with build.sh's options.</summary>
    public static XlBuilds Publish(string dir)
    {
        Publish("src/Xeno.Daemon", Path.Combine(dir, "xenod"), "--self-contained", "false", "-p:PublishReadyToRun=true");
        Publish("src/Xeno.Cli", Path.Combine(dir, "xl-r2r"), "--self-contained", "false", "-p:PublishReadyToRun=true");
        string? missing = AotToolchainMissing();
        if (missing is null)
            Publish("src/Xeno.Cli", Path.Combine(dir, "xl-aot"), "-p:PublishAot=true");
        return From(dir) with { AotMissing = missing };
    }

    /// <summary>Why Native AOT cannot link here (scripts/lib/common.sh's probe), or null when it can.</summary>
    private static string? AotToolchainMissing()
    {
        var probe = Directory.CreateTempSubdirectory("xlb-probe-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(probe, "p.c"), "int main(void){return 0;}\n");
            var r = HostProcesses.Run("clang", Path.Combine(probe, "p.c"), "-lz", "-o", Path.Combine(probe, "p"));
            return r.Exit == 0 ? null : "clang could not link a program with -lz: " + r.Err.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "clang is not installed";
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    private static void Publish(string project, string output, params string[] options)
    {
        Console.Error.WriteLine($"publishing {project} {string.Join(' ', options)}");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(GuestKit.RepoRoot(), project), "-c", "Release", "-r", "linux-x64", "-o", output, "-v", "quiet", "-nologo" },
            UseShellExecute = false,
        };
        foreach (var o in options) info.ArgumentList.Add(o);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish {project} {string.Join(' ', options)} failed ({p.ExitCode})");
    }
}
