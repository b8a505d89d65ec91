using System.Text;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>
/// xeno-pygrub judged by GRUB itself: generated grub.cfg files (<see cref="GrubCaseGenerator"/>)
/// on real disk layouts with Debian's GRUB 2 installed (<see cref="GrubDisk"/>) are booted in
/// QEMU; wherever GRUB boots an entry, xeno-pygrub reading the same disk must pick the same
/// kernel, initrd (by total size) and arguments. Seeds 5-8 by default (8: a separate /boot). Every case
/// must end with GRUB booting a kernel or visibly waiting for a key (its menu, an error): a case that runs
/// out of time fails the test (docs/pygrub.md: what looked like the kit's kernel dying was GRUB 2.06's own bug).
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
        foreach (var o in outcomes)
            TestContext.Current.TestOutputHelper?.WriteLine($"{o.Case}: {(o.GrubBooted ? "booted" : o.GrubWaited ? "GRUB waited for a key" : "no answer")} in {o.Elapsed.TotalSeconds:F0} s");
        Assert.True(disagreements.Count == 0, string.Join("\n\n", disagreements));
        // GRUB either boots or stops where a user would see it stop; silence until the time runs out is a fault of the test bed.
        var silent = outcomes.Where(o => !o.GrubBooted && !o.GrubWaited).ToList();
        Assert.True(silent.Count == 0, $"{silent.Count} of {seeds.Count} cases neither booted nor stopped at a GRUB prompt:\n" +
            string.Join("\n\n", silent.Take(2).Select(o => $"{o.Case}\n{o.Detail}")));
    }

    private sealed record Outcome(GrubCase Case, bool GrubBooted, bool GrubWaited, string? Disagreement, string Detail, TimeSpan Elapsed);

    private static async Task<Outcome> RunCaseAsync(GrubCase grubCase, string dir, CancellationToken cancel)
    {
        var image = Path.Combine(dir, $"case-{grubCase.Seed}.img");
        var disk = GrubDisk.Build(image, grubCase.Layout, grubCase.Files, installGrub: true, ext2: grubCase.Ext2);
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var grub = await GrubQemu.BootAsync(disk.Drives, image + ".serial", GrubDifferentialRun.PerCase, cancel);
            var ours = PygrubPick.Read(image);
            var detail = Describe(grubCase, grub, ours);
            if (grub.CommandLine is null) return new Outcome(grubCase, false, grub.WaitedForAKey, null, detail, started.Elapsed);
            bool same = GrubDifferentialRun.Same(ours, grub.KernelPath, grub.Arguments, grub.RamdiskBytes);
            return new Outcome(grubCase, true, false, same ? null : "disagreement: " + detail, detail, started.Elapsed);
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
