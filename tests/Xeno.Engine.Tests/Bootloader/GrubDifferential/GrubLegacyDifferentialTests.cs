using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>
/// xeno-pygrub judged by grub legacy itself: generated menu.lst files (<see cref="GrubLegacyCaseGenerator"/>)
/// on MBR, logical-partition and separate-/boot disks (ext2) with Debian's grub legacy stages written on
/// them (<see cref="GrubLegacyStages"/>) are booted in QEMU; wherever grub boots an entry, xeno-pygrub
/// reading the same disk must pick the same kernel (told apart by size), initrd (by size) and arguments.
/// Seeds 1-4 by default; XENO_GRUB_DIFF_CASES=N runs N, XENO_GRUB_DIFF_SEED=S starts at seed S
/// (the same knobs as the GRUB 2 differential, <see cref="GrubDifferentialRun"/>).
/// </summary>
[Collection(nameof(GrubDifferentialTests))]
public sealed class GrubLegacyDifferentialTests
{
    private static readonly int[] DefaultSeeds = [1, 2, 3, 4];

    /// <summary>grub legacy's line for the kernel file it loaded: setup and the rest add up to the file's size.</summary>
    private static readonly Regex LoadedKernel = new(@"\[Linux-bzImage, setup=0x([0-9a-f]+), size=0x([0-9a-f]+)\]");

    [Fact]
    public async Task XenoPygrubPicksTheKernelInitrdAndArgumentsGrubLegacyBoots()
    {
        var cancel = TestContext.Current.CancellationToken;
        var stages = GrubLegacyStages.Get();
        var seeds = GrubDifferentialRun.Seeds(DefaultSeeds);
        var generator = new GrubLegacyCaseGenerator(File.ReadAllBytes(GuestKit.Get().Vmlinuz));
        var outcomes = await GrubDifferentialRun.RunAsync("xeno-grublegacy-", seeds, (seed, dir) => RunCaseAsync(stages, generator.Generate(seed), dir, cancel), cancel);
        var booted = outcomes.Count(o => o.GrubBooted);
        var disagreements = outcomes.Where(o => o.Disagreement is not null).Select(o => o.Disagreement!).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"grub legacy {stages.Version}: {seeds.Count} cases, booted {booted}, disagreements {disagreements.Count}");
        foreach (var o in outcomes)
            TestContext.Current.TestOutputHelper?.WriteLine($"{o.Case}: {(o.GrubBooted ? "booted" : "booted nothing")} in {o.Elapsed.TotalSeconds:F0} s" +
                                                            (o.GrubBooted ? "" : "\n" + o.Detail));
        Assert.True(disagreements.Count == 0, string.Join("\n\n", disagreements));
        // Most generated configs are ones grub boots: a run where it booted none tests nothing.
        Assert.True(booted * 2 >= seeds.Count, $"grub legacy booted only {booted} of {seeds.Count} cases:\n" +
            string.Join("\n\n", outcomes.Where(o => !o.GrubBooted).Take(2).Select(o => o.Detail)));
    }

    private sealed record Outcome(GrubLegacyCase Case, bool GrubBooted, string? Disagreement, string Detail, TimeSpan Elapsed);

    private static async Task<Outcome> RunCaseAsync(GrubLegacyStages stages, GrubLegacyCase legacyCase, string dir, CancellationToken cancel)
    {
        var image = Path.Combine(dir, $"legacy-{legacyCase.Seed}.img");
        var built = GrubDisk.Build(image, legacyCase.Layout, legacyCase.Files, installGrub: false, ext2: legacyCase.Ext2);
        int? partition = legacyCase.Layout switch
        {
            GrubDiskLayout.Bare => null,
            GrubDiskLayout.Logical => 4,
            GrubDiskLayout.Mbr or GrubDiskLayout.SeparateBoot => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(legacyCase), "grub legacy reads no GPT"),
        };
        var disk = stages.Install(built.Image, partition, legacyCase.ConfigPath);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var grub = await GrubQemu.BootAsync(disk.Drives, image + ".serial", GrubDifferentialRun.PerCase, cancel);
            var ours = PygrubPick.Read(image);
            string? grubKernel = KernelLoaded(legacyCase, grub.SerialLog);
            var detail = Describe(legacyCase, grub, grubKernel, ours);
            if (grub.CommandLine is null) return new Outcome(legacyCase, false, null, detail, started.Elapsed);
            bool same = GrubDifferentialRun.Same(ours, grubKernel, grub.CommandLine, grub.RamdiskBytes);
            return new Outcome(legacyCase, true, same ? null : "disagreement: " + detail, detail, started.Elapsed);
        }
        finally
        {
            foreach (var f in disk.Drives.Append(image + ".serial")) File.Delete(f);
        }
    }

    /// <summary>The path of the kernel file grub loaded last (the one it booted), from the size it printed.</summary>
    private static string? KernelLoaded(GrubLegacyCase legacyCase, string serialLog)
    {
        var loaded = LoadedKernel.Matches(serialLog);
        if (loaded.Count == 0) return null;
        var last = loaded[^1];
        // grub's "setup" leaves out the boot sector: the file is setup + 512 + size bytes.
        long size = long.Parse(last.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 512 +
                    long.Parse(last.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return legacyCase.KernelPaths.TryGetValue(size, out var path) ? path : $"(a {size}-byte file)";
    }

    private static string Describe(GrubLegacyCase c, GrubBootResult grub, string? grubKernel, PygrubPick ours)
    {
        var sb = new StringBuilder();
        sb.Append($"{c}\n--- menu.lst\n{c.Config.Replace("\r", "\\r")}");
        if (c.DefaultFile is not null) sb.Append($"--- default file\n{c.DefaultFile.Split('\n')[0]}\n");
        sb.Append($"--- grub booted: {(grub.CommandLine is null ? "nothing" : $"kernel {grubKernel}, args [{grub.CommandLine}], initrd bytes {grub.RamdiskBytes?.ToString() ?? "none"}")}\n");
        sb.Append($"--- xeno-pygrub: {ours}\n");
        sb.Append(GrubDifferentialRun.SerialTail(grub.SerialLog));
        return sb.ToString();
    }
}
