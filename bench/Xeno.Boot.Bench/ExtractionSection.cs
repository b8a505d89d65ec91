using System.Text;

namespace Xeno.Boot.Bench;

/// <summary>In-process extraction of kernel and initrd from the guest disk, raw and qcow2 side by side.</summary>
internal sealed class ExtractionSection : IBenchSection
{
    public string Title => "Kernel and initrd extraction, in process (the call xenod makes)";

    public string Run(BenchImages images, BenchOptions options)
    {
        int runs = options.Quick ? 5 : 20;
        string output = Path.Combine(options.WorkDirectory, "out");
        Directory.CreateDirectory(output);
        var rows = new List<(string Name, Timing Time, long Bytes)>();
        var located = new List<(string Name, Timing Time)>();
        foreach (var (name, image) in new[] { ("raw", images.BootDiskRaw), ("qcow2", images.BootDiskQcow2) })
        {
            located.Add((name, Timing.Of(() => Extraction.Locate(image, BenchImages.KernelPath, BenchImages.InitrdPath, BenchImages.GrubPath), runs)));
            foreach (var (how, folder) in new[] { ("to files", output), ("to memory", (string?)null) })
            {
                long bytes = 0;
                var timing = Timing.Of(() => bytes = Extraction.Run(image, folder, BenchImages.KernelPath, BenchImages.InitrdPath, BenchImages.GrubPath), runs);
                rows.Add(($"{name}, {how}", timing, bytes));
            }
        }
        // Baseline: the host kernel reading the same two files from its own filesystem, same process, same run.
        string src = images.BootSource;
        var baseline = Timing.Of(() =>
        {
            _ = File.ReadAllBytes(Path.Combine(src, BenchImages.KernelPath.TrimStart('/'))).Length
                + File.ReadAllBytes(Path.Combine(src, BenchImages.InitrdPath.TrimStart('/'))).Length;
        }, runs);
        var md = new StringBuilder();
        md.AppendLine($"Method: a {images.BootDiskBytes >> 20} MiB sparse disk (MBR, one ext4 partition at 1 MiB made by `mkfs.ext4 -d`) holds a");
        md.AppendLine($"{images.KernelBytes >> 20} MiB kernel, a {images.InitrdBytes >> 20} MiB initrd and a grub.cfg; the qcow2 is `qemu-img convert -O qcow2` of it.");
        md.AppendLine("One extraction = open the image, read the partition table, open each filesystem until one has");
        md.AppendLine("/boot/grub/grub.cfg, read it, copy kernel and initrd into files in an output folder. The first (cold)");
        md.AppendLine($"call includes JIT; the median and minimum are over {runs} warm calls in the same process (page cache warm).");
        md.AppendLine();
        md.AppendLine("| Image | Cold (ms) | Median (ms) | Min (ms) | Throughput (MiB/s, median) | Median vs raw |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        for (int i = 0; i < rows.Count; i++)
        {
            var (name, t, bytes) = rows[i];
            double rawMedian = rows[i % 2].Time.MedianMs; // same output kind, raw image
            double mibps = bytes / 1048576.0 / (t.MedianMs / 1000);
            md.AppendLine($"| {name} | {t.ColdMs:F1} | {t.MedianMs:F2} | {t.MinMs:F2} | {mibps:F0} | {t.MedianMs / rawMedian:F2}x |");
        }
        md.AppendLine($"| baseline: File.ReadAllBytes of the source files on the host | {baseline.ColdMs:F1} | {baseline.MedianMs:F2} | {baseline.MinMs:F2} | {(images.KernelBytes + images.InitrdBytes) / 1048576.0 / (baseline.MedianMs / 1000):F0} | |");
        md.AppendLine();
        md.AppendLine("Without the data copy (open image, partition table, filesystem, read grub.cfg, open kernel and initrd):");
        md.AppendLine();
        md.AppendLine("| Image | Cold (ms) | Median (ms) | Min (ms) |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, t) in located)
        {
            md.AppendLine($"| {name} | {t.ColdMs:F1} | {t.MedianMs:F3} | {t.MinMs:F3} |");
        }
        md.AppendLine();
        md.AppendLine($"Raw to memory vs baseline: {rows[1].Time.MedianMs / baseline.MedianMs:F2}x (median), {rows[1].Time.MinMs / baseline.MinMs:F2}x (min) the time the host kernel needs for the same bytes.");
        md.AppendLine("Medians suffer most from other load on the machine; minimums show what the code costs.");
        md.AppendLine();
        md.AppendLine($"Goal: under 10 ms for the warm in-process call. \"to memory\" reads the {(images.KernelBytes + images.InitrdBytes) >> 20} MiB into arrays;");
        md.AppendLine("\"to files\" also writes them into the output folder, as pygrub does. qcow2 adds the L1/L2 lookups and one read per cluster.");
        md.AppendLine("Reading is bound by copying the bytes: when raw-to-memory is close to the baseline, the remaining time is the");
        md.AppendLine("machine's memory and page-cache bandwidth, not the disk parsing (the second table).");
        return md.ToString();
    }
}
