using System.Diagnostics;
using Xeno.Boot.ChainLoad;

namespace Xeno.Engine.Guests;

/// <summary>
/// Builds the GRUB chain-load CD with Debian's grub-mkrescue (grub-pc-bin's i386-pc GRUB,
/// xorriso) from <see cref="ChainloadCdConfig"/>, cached by content: the same config and GRUB
/// build give the cached ISO back without running anything. Run by xenod (POST
/// /v1/guests/chainload-cd), which owns the cache.
/// </summary>
public sealed class ChainloadCdBuilder(string cacheDir, string grubDir = ChainloadCdBuilder.DefaultGrubDir)
{
    public const string DefaultGrubDir = "/usr/lib/grub/i386-pc";
    private const string Packages = "install Debian packages grub-pc-bin, grub-common, xorriso and mtools";

    /// <summary>The cached ISO for the current config and GRUB, built if missing.</summary>
    public string Build()
    {
        var modinfo = Path.Combine(grubDir, "modinfo.sh");
        if (!File.Exists(modinfo) || !File.Exists(Path.Combine(grubDir, "cdboot.img")))
            throw new ChainloadCdException($"no i386-pc GRUB in {grubDir}: {Packages}");
        var config = ChainloadCdConfig.Text();
        var key = ChainloadCdConfig.CacheKey(config, File.ReadAllBytes(modinfo));
        var iso = Path.Combine(cacheDir, $"chainload-{key}.iso");
        if (File.Exists(iso)) return iso;

        Directory.CreateDirectory(cacheDir);
        var work = Path.Combine(cacheDir, $".build-{key}-{Environment.ProcessId}");
        try
        {
            var tree = Path.Combine(work, "tree", "boot", "grub");
            Directory.CreateDirectory(tree);
            File.WriteAllText(Path.Combine(tree, "grub.cfg"), config);
            var partial = Path.Combine(work, "cd.iso");
            Run("grub-mkrescue", "--directory=" + grubDir, "--fonts=", "--locales=", "--themes=",
                "--product-name=Xeno chain-load CD", "-o", partial, Path.Combine(work, "tree"));
            // Renamed into place whole, so a parallel run never sees half an ISO.
            File.Move(partial, iso, overwrite: true);
            return iso;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ChainloadCdException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ChainloadCdException($"cannot run {tool} ({e.Message}): {Packages}");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new ChainloadCdException($"{tool} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
        }
    }
}

public sealed class ChainloadCdException(string message) : Exception(message);
