using System.Text;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>
/// xeno-pygrub judged by GRUB itself: generated grub.cfg files (<see cref="GrubCaseGenerator"/>)
/// on real disk layouts with Debian's GRUB 2 installed (<see cref="GrubDisk"/>) are booted in
/// QEMU; wherever GRUB boots an entry, xeno-pygrub reading the same disk must pick the same
/// kernel, initrd (by total size) and arguments. Seeds 5-8 by default (8: a separate /boot). The kit's
/// kernel sometimes dies after GRUB hands over, before its earlyprintk console, on any layout (seed 7 on
/// MBR too; docs/pygrub.md): such a case counts as GRUB booting nothing, and half the cases must boot.
/// XENO_GRUB_DIFF_CASES=N runs N, XENO_GRUB_DIFF_SEED=S starts at seed S (<see cref="GrubDifferentialRun"/>).
/// </summary>
[Collection(nameof(GrubDifferentialTests))]
public sealed class GrubDifferentialTests
{
    private static readonly int[] DefaultSeeds = [5, 6, 7, 8];

    [Fact]
    public async Task XenoPygrubPicksTheKernelInitrdAndArgumentsGrubBoots()
    {
        var cancel = TestContext.Current.CancellationToken;
        Assert.True(File.Exists(Path.Combine(GrubDisk.GrubDir, "boot.img")),
            $"{GrubDisk.GrubDir}/boot.img is missing: install the Debian packages grub-pc-bin and grub-common");
        var seeds = GrubDifferentialRun.Seeds(DefaultSeeds);
        var generator = new GrubCaseGenerator(File.ReadAllBytes(GuestKit.Get().Vmlinuz));
        var outcomes = await GrubDifferentialRun.RunAsync("xeno-grubdiff-", seeds, (seed, dir) => RunCaseAsync(generator.Generate(seed), dir, cancel), cancel);
        var booted = outcomes.Count(o => o.GrubBooted);
        var disagreements = outcomes.Where(o => o.Disagreement is not null).Select(o => o.Disagreement!).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{seeds.Count} cases, GRUB booted {booted}, disagreements {disagreements.Count}");
        foreach (var o in outcomes.Where(o => !o.GrubBooted))
            TestContext.Current.TestOutputHelper?.WriteLine($"GRUB booted nothing: {o.Detail}");
        Assert.True(disagreements.Count == 0, string.Join("\n\n", disagreements));
        // Most generated configs are ones GRUB boots: a run where it booted none tests nothing.
        Assert.True(booted * 2 >= seeds.Count, $"GRUB booted only {booted} of {seeds.Count} cases:\n" +
            string.Join("\n\n", outcomes.Where(o => !o.GrubBooted).Take(2).Select(o => $"{o.Case}\n{o.Detail}")));
    }

    private sealed record Outcome(GrubCase Case, bool GrubBooted, string? Disagreement, string Detail);

    private static async Task<Outcome> RunCaseAsync(GrubCase grubCase, string dir, CancellationToken cancel)
    {
        var image = Path.Combine(dir, $"case-{grubCase.Seed}.img");
        var disk = GrubDisk.Build(image, grubCase.Layout, grubCase.Files, installGrub: true, ext2: grubCase.Ext2);
        try
        {
            var grub = await GrubQemu.BootAsync(disk.Drives, image + ".serial", GrubDifferentialRun.PerCase, cancel);
            var ours = PygrubPick.Read(image);
            var detail = Describe(grubCase, grub, ours);
            if (grub.CommandLine is null) return new Outcome(grubCase, false, null, detail);
            bool same = GrubDifferentialRun.Same(ours, grub.KernelPath, grub.Arguments, grub.RamdiskBytes);
            return new Outcome(grubCase, true, same ? null : "disagreement: " + detail, detail);
        }
        finally
        {
            foreach (var f in disk.Drives.Append(image + ".serial")) File.Delete(f);
        }
    }

    private static string Describe(GrubCase c, GrubBootResult grub, PygrubPick ours)
    {
        var sb = new StringBuilder();
        sb.Append($"{c}\n--- grub.cfg\n{c.Config}");
        if (c.GrubEnv is not null) sb.Append($"--- grubenv\n{c.GrubEnv.TrimEnd('#')}");
        sb.Append($"--- GRUB booted: {(grub.CommandLine is null ? "nothing" : $"kernel {grub.KernelPath}, args [{grub.Arguments}], initrd bytes {grub.RamdiskBytes?.ToString() ?? "none"}")}\n");
        sb.Append($"--- xeno-pygrub: {ours}\n");
        if (grub.CommandLine is null) sb.Append(GrubDifferentialRun.SerialTail(grub.SerialLog));
        return sb.ToString();
    }
}
