using System.Text.RegularExpressions;
using Xeno.Boot;
using Xeno.Boot.Loaders;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>What xeno-pygrub picks on a disk image: kernel, arguments, initrd bytes; or its refusal.</summary>
public sealed record PygrubPick(string? Kernel, string? Args, long? Ramdisk, string? Error)
{
    public static PygrubPick Read(string image)
    {
        using var file = File.OpenRead(image);
        try
        {
            using var boot = GuestBoot.Open(file, new BootRequest());
            using var ramdisk = new MemoryStream();
            long size = boot.ExtractRamdisk(ramdisk);
            return new PygrubPick(boot.Choice.Kernel, boot.Choice.Args, boot.Choice.Ramdisk is null ? null : size, null);
        }
        catch (BootException e)
        {
            return new PygrubPick(null, null, null, e.Message);
        }
    }

    public override string ToString() => Error is not null
        ? "error " + Error
        : $"kernel {Kernel}, args [{Args}], initrd bytes {GrubDifferentialRun.PageRounded(Ramdisk)?.ToString() ?? "none"}";
}

/// <summary>
/// What the GRUB 2 and grub legacy differential tests share: the seeds to run (a default set,
/// or XENO_GRUB_DIFF_CASES=N cases from XENO_GRUB_DIFF_SEED=S), two QEMUs at a time in a
/// temporary folder, the time one case may take, and how GRUB's and xeno-pygrub's picks compare.
/// </summary>
public static class GrubDifferentialRun
{
    /// <summary>The 8 MB kernel read through BIOS calls and unpacked, under TCG on a loaded host.</summary>
    public static readonly TimeSpan PerCase = TimeSpan.FromSeconds(240);

    /// <summary>The seeds to run: <paramref name="defaults"/>, or what the env knobs ask for.</summary>
    public static IReadOnlyList<int> Seeds(IReadOnlyList<int> defaults)
    {
        var casesKnob = Environment.GetEnvironmentVariable("XENO_GRUB_DIFF_CASES");
        var seedKnob = Environment.GetEnvironmentVariable("XENO_GRUB_DIFF_SEED");
        if (casesKnob is null && seedKnob is null) return defaults;
        int cases = int.TryParse(casesKnob, out var c) ? c : defaults.Count;
        int first = int.TryParse(seedKnob, out var s) ? s : defaults[0];
        return Enumerable.Range(first, cases).ToList();
    }

    /// <summary>Runs one case per seed, two at a time (the machine has two cores and other work), in a temporary folder removed afterwards.</summary>
    public static async Task<T[]> RunAsync<T>(string folderPrefix, IReadOnlyList<int> seeds, Func<int, string, Task<T>> runCase, CancellationToken cancel)
    {
        var dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        try
        {
            using var gate = new SemaphoreSlim(2);
            var runs = seeds.Select(async seed =>
            {
                await gate.WaitAsync(cancel);
                try
                {
                    return await Task.Run(() => runCase(seed, dir), cancel);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            return await Task.WhenAll(runs);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs of blanks as one: the kernel splits its command line on them either way (GRUB 2 joins its words with one blank).</summary>
    public static string Blanks(string? args) => Regex.Replace(args ?? "", "[ \t]+", " ").Trim();

    /// <summary>The kernel logs the initrd block page aligned.</summary>
    public static long? PageRounded(long? bytes) => bytes is null ? null : (bytes + 4095) / 4096 * 4096;

    /// <summary>True when xeno-pygrub picked this kernel, these arguments and initrds of this size.</summary>
    public static bool Same(PygrubPick ours, string? kernel, string? arguments, long? ramdiskBytes) =>
        ours.Error is null && ours.Kernel == kernel && Blanks(ours.Args) == Blanks(arguments) && PageRounded(ours.Ramdisk) == ramdiskBytes;

    /// <summary>The serial log's end: GRUB's own messages (errors, the menu) tell why it booted nothing.</summary>
    public static string SerialTail(string log) => "--- serial (last 1500 chars)\n" + (log.Length > 1500 ? log[^1500..] : log) + "\n";
}
