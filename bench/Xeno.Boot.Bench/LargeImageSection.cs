using System.Text;
using Xeno.Boot.Disks;

namespace Xeno.Boot.Bench;

/// <summary>A 20 GiB sparse disk with a deep tree and a 10,000-file /boot: directory work and extraction.</summary>
internal sealed class LargeImageSection : IBenchSection
{
    public string Title => "Large sparse disk with a crowded /boot";

    public string Run(BenchImages images, BenchOptions options)
    {
        int runs = options.Quick ? 3 : 10;
        string image = images.HugeDisk;
        string deepPath = "/" + string.Join('/', Enumerable.Range(0, images.HugeDepth).Select(d => $"level{d}")) + "/leaf.txt";
        string output = Path.Combine(options.WorkDirectory, "out-huge");
        Directory.CreateDirectory(output);
        int listed = 0;
        var rows = new List<(string What, Timing Time)>
        {
            ("open disk + list /boot", Timing.Of(() =>
            {
                using var file = File.OpenRead(image);
                using var disk = GuestDisk.Open(file);
                listed = disk.OpenFileSystem(disk.Partitions[0]).ListDirectory("/boot").Count;
            }, runs)),
            ($"open disk + resolve a {images.HugeDepth}-level path", Timing.Of(() =>
            {
                using var file = File.OpenRead(image);
                using var disk = GuestDisk.Open(file);
                if (!disk.OpenFileSystem(disk.Partitions[0]).FileExists(deepPath))
                {
                    throw new InvalidOperationException("deep file missing");
                }
            }, runs)),
            ("GuestBoot: open, choose the entry, extract kernel + initrd to files", Timing.Of(() => Extraction.Run(image, output), runs, () => Extraction.Clean(output))),
        };
        var md = new StringBuilder();
        md.AppendLine($"Method: a {images.HugeDiskBytes >> 30} GiB sparse disk (MBR, one ext4 partition) whose /boot holds {images.HugeBootFiles:N0} small files");
        md.AppendLine($"besides kernel and initrd (an htree directory: {listed:N0} entries listed), and a {images.HugeDepth}-level deep directory chain.");
        md.AppendLine($"Each row opens the image afresh; cold = first call, median/min over {runs} warm calls.");
        md.AppendLine();
        md.AppendLine("| Operation | Cold (ms) | Median (ms) | Min (ms) |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (what, t) in rows)
        {
            md.AppendLine($"| {what} | {t.ColdMs:F1} | {t.MedianMs:F2} | {t.MinMs:F2} |");
        }
        md.AppendLine();
        md.AppendLine("Directories are read linearly (htree index blocks are skipped as empty records), so listing and");
        md.AppendLine("lookups in /boot cost one pass over its blocks; the disk's size does not matter, only what is read.");
        return md.ToString();
    }
}
