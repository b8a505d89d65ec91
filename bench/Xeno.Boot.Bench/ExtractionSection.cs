using System.Text;

namespace Xeno.Boot.Bench;

/// <summary>In-process extraction of kernel and initrd from the guest disk (GuestBoot, as xenod calls it), raw and qcow2, beside the machine's copy floor.</summary>
internal sealed class ExtractionSection : IBenchSection
{
    private const double GoalMs = 10;

    public string Title => "Kernel and initrd extraction, in process (the call xenod makes)";

    public string Run(BenchImages images, BenchOptions options)
    {
        int runs = options.Quick ? 5 : 20;
        string output = Path.Combine(options.WorkDirectory, "out");
        Directory.CreateDirectory(output);
        string raw = images.BootDiskRaw, qcow2 = images.BootDiskQcow2, src = images.BootSource;
        long expected = images.KernelBytes + (long)images.InitrdBytes;
        var copies = new (string Name, Action Action, Action? Before)[]
        {
            ("raw, to files", () => Check(Extraction.Run(raw, output), expected), () => Extraction.Clean(output)),
            ("qcow2, to files", () => Check(Extraction.Run(qcow2, output), expected), () => Extraction.Clean(output)),
            ("raw, to memory", () => Check(Extraction.Run(raw, null), expected), null),
            ("qcow2, to memory", () => Check(Extraction.Run(qcow2, null), expected), null),
            ("floor: File.Copy of the two host files the image was made from", () => Check(Extraction.HostCopy(src, output), expected), () => Extraction.Clean(output)),
            ("floor: File.ReadAllBytes of the same two host files", () => Check(HostRead(src), expected), null),
            ("floor: copying the same number of bytes between two warm arrays", MemoryCopy(expected), null),
        };
        var copyTimes = Timing.Interleaved([.. copies.Select(c => (c.Action, c.Before))], runs);
        var located = Timing.Interleaved([(() => Extraction.Locate(raw), null), (() => Extraction.Locate(qcow2), null)], runs);

        var md = new StringBuilder();
        md.AppendLine($"Method: a {images.BootDiskBytes >> 20} MiB sparse disk (MBR, one ext4 partition at 1 MiB made by `mkfs.ext4 -d`) holds a");
        md.AppendLine($"{images.KernelBytes >> 20} MiB kernel, a {images.InitrdBytes >> 20} MiB initrd and a grub.cfg; the qcow2 is `qemu-img convert -O qcow2` of it.");
        md.AppendLine("One extraction is what xenod does: `GuestBoot.Open` on the image file (format, partition table, each");
        md.AppendLine("filesystem until one has a boot config, the config parsed, the default entry chosen), then `ExtractKernel`");
        md.AppendLine("and `ExtractRamdisk` into two new files (\"to files\"; the files are removed between calls, untimed) or into");
        md.AppendLine("one warm memory buffer (\"to memory\"). Raw images and plain qcow2 clusters are copied by the host kernel");
        md.AppendLine("(copy_file_range); \"to memory\" reads through the stream. The floor rows move the same bytes without any");
        md.AppendLine("disk parsing: `File.Copy` of the host files the image was made from (the kernel copies, as `cp` does),");
        md.AppendLine("reading them into arrays, and a plain memory copy. The first (cold) call includes JIT; then");
        md.AppendLine($"{runs} rounds in which every row runs once, in the same process (page cache warm).");
        md.AppendLine();
        md.AppendLine("| Operation | Cold (ms) | Median (ms) | Min (ms) | Throughput (MiB/s, median) |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        for (int i = 0; i < copies.Length; i++)
        {
            var t = copyTimes[i];
            md.AppendLine($"| {copies[i].Name} | {t.ColdMs:F1} | {t.MedianMs:F2} | {t.MinMs:F2} | {expected / 1048576.0 / (t.MedianMs / 1000):F0} |");
        }
        md.AppendLine();
        md.AppendLine("Without the data copy (`GuestBoot.Open` alone: image, partition table, filesystem, grub.cfg, entry):");
        md.AppendLine();
        md.AppendLine("| Image | Cold (ms) | Median (ms) | Min (ms) |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine($"| raw | {located[0].ColdMs:F1} | {located[0].MedianMs:F3} | {located[0].MinMs:F3} |");
        md.AppendLine($"| qcow2 | {located[1].ColdMs:F1} | {located[1].MedianMs:F3} | {located[1].MinMs:F3} |");
        md.AppendLine();
        var rawFiles = copyTimes[0];
        var qcowFiles = copyTimes[1];
        var floor = copyTimes[4];
        md.AppendLine($"Goal: under {GoalMs:F0} ms for the warm in-process call, to files: raw {rawFiles.MedianMs:F1} ms, qcow2 {qcowFiles.MedianMs:F1} ms (median)");
        md.AppendLine($"({(rawFiles.MedianMs < GoalMs && qcowFiles.MedianMs < GoalMs ? "meets" : "misses")} the goal). On this machine the host kernel alone needs {floor.MedianMs:F1} ms (median, {floor.MinMs:F1} ms min)");
        md.AppendLine($"to copy the same {expected >> 20} MiB between two of its own files (`File.Copy` row), so the goal is below the floor");
        md.AppendLine($"whenever that row is above {GoalMs:F0} ms. Raw to files / floor: {rawFiles.MedianMs / floor.MedianMs:F2}x (median), {rawFiles.MinMs / floor.MinMs:F2}x (min);");
        md.AppendLine($"qcow2 to files / floor: {qcowFiles.MedianMs / floor.MedianMs:F2}x (median). What is left above the floor is opening and parsing (the second");
        md.AppendLine("table) and the per-extent or per-cluster-run copy calls. Medians suffer most from other load on the machine;");
        md.AppendLine("minimums show what the work costs.");
        return md.ToString();
    }

    private static void Check(long copied, long expected)
    {
        if (copied != expected)
        {
            throw new InvalidOperationException($"extraction copied {copied} bytes, expected {expected}");
        }
    }

    private static long HostRead(string src) =>
        File.ReadAllBytes(Path.Combine(src, BenchImages.KernelPath.TrimStart('/'))).Length
        + File.ReadAllBytes(Path.Combine(src, BenchImages.InitrdPath.TrimStart('/'))).Length;

    private static Action MemoryCopy(long bytes)
    {
        var from = new byte[bytes];
        var to = new byte[bytes];
        Random.Shared.NextBytes(from);
        return () => from.AsSpan().CopyTo(to);
    }
}
