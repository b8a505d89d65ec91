using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Boot.Bench;

/// <summary>
/// Finds a Release build of <c>xeno-pygrub</c> published as scripts/setup does (Native AOT where clang
/// and zlib link, else self-contained composite ReadyToRun) that is not older than its sources:
/// <c>&lt;repo&gt;/out/xeno-pygrub/xeno-pygrub</c> when one exists and is newer than every source file,
/// otherwise a cached publish under $XENO_BUILD_ROOT (or the temp folder), published again when stale.
/// </summary>
internal static class XenoPygrubBinary
{
    private const string Project = "src/Xeno.Pygrub/Xeno.Pygrub.csproj";
    private static readonly string[] ReadyToRun = ["--self-contained", "true", "-p:PublishReadyToRun=true"];
    private static readonly string[] NativeAot = ["-p:PublishAot=true"];

    /// <summary>Returns the executable's path and a sentence saying where it came from.</summary>
    public static (string Path, string Origin) Locate()
    {
        string repo = RepositoryRoot();
        DateTime sources = NewestSource(repo);
        string shipped = Path.Combine(repo, "out", "xeno-pygrub", "xeno-pygrub");
        // A self-contained publish brings its own runtime (libcoreclr.so) along; a Native AOT one is
        // the executable alone (no xeno-pygrub.dll). A framework-dependent one has neither mark.
        string outDir = Path.Combine(repo, "out", "xeno-pygrub");
        bool shippedAot = !File.Exists(Path.Combine(outDir, "xeno-pygrub.dll"));
        if (File.Exists(shipped) && File.GetLastWriteTimeUtc(shipped) > sources && (shippedAot || File.Exists(Path.Combine(outDir, "libcoreclr.so"))))
        {
            return (shipped, $"`out/xeno-pygrub/xeno-pygrub` (newer than its sources; a {(shippedAot ? "Native AOT" : "self-contained ReadyToRun")} Release publish)");
        }
        bool aot = AotToolchainPresent();
        string[] options = aot ? NativeAot : ReadyToRun;
        string publishCommand = "dotnet publish -c Release -r linux-x64 " + string.Join(' ', options);
        string root = Environment.GetEnvironmentVariable("XENO_BUILD_ROOT") is { Length: > 0 } b ? b : Path.GetTempPath();
        string folder = Path.Combine(root, "xeno-boot-bench", aot ? "xeno-pygrub-aot" : "xeno-pygrub-self-contained");
        string exe = Path.Combine(folder, "xeno-pygrub");
        // A stamp written after a successful publish: the apphost's own time is kept by incremental builds.
        string stamp = Path.Combine(folder, ".published");
        if (File.Exists(exe) && File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) > sources)
        {
            return (exe, $"a cached `{publishCommand}` (newer than its sources)");
        }
        Console.Error.WriteLine($"publishing xeno-pygrub (Release, {(aot ? "Native AOT" : "self-contained, composite ReadyToRun")}) into {folder}");
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        File.Delete(stamp);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";
        HostTool.Run(dotnet, null, ["publish", Path.Combine(repo, Project), "-c", "Release", "-r", "linux-x64", .. options, "-o", folder, "--nologo"]);
        File.WriteAllText(stamp, DateTime.UtcNow.ToString("O"));
        Console.Error.WriteLine($"published in {clock.Elapsed.TotalSeconds:F0} s");
        return (exe, $"`{publishCommand}`, done by this run");
    }

    /// <summary>True when clang links a program with zlib (scripts/lib/common.sh's aot_toolchain_present).</summary>
    private static bool AotToolchainPresent()
    {
        string probe = Directory.CreateTempSubdirectory("xbb-probe-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(probe, "p.c"), "int main(void){return 0;}\n");
            HostTool.Run("clang", null, Path.Combine(probe, "p.c"), "-lz", "-o", Path.Combine(probe, "p"));
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    /// <summary>The last change to anything the published program is built from.</summary>
    private static DateTime NewestSource(string repo)
    {
        var files = new[] { "src/Xeno.Pygrub", "src/Xeno.Boot" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(repo, dir), "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(f => Path.Combine(repo, f)).Where(File.Exists));
        return files.Max(File.GetLastWriteTimeUtc);
    }

    /// <summary>The checkout this benchmark was compiled from (the source path is baked in at build time), else the current folder's.</summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        foreach (string? start in new[] { Path.GetDirectoryName(thisFile), Environment.CurrentDirectory })
        {
            for (string? dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "Xeno.slnx")) && File.Exists(Path.Combine(dir, Project)))
                {
                    return dir;
                }
            }
        }
        throw new InvalidOperationException($"cannot find the Xeno checkout (with {Project}) to publish xeno-pygrub from");
    }
}
