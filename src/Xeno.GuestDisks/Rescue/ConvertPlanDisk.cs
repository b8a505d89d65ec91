using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Xeno.Boot.Conversion;

namespace Xeno.GuestDisks.Rescue;

/// <summary>
/// The plan disk of `xl guest-convert`: a small raw image, attached read-only to the helper guest,
/// that its /sbin/xeno-convert reads with scripts/guest-kit/convert-plan.sh (the format is
/// described there). Paths, texts and link targets are base64, so no byte of a guest's file can
/// break a line; each file to change carries the sha256 of the text the host read, so the helper
/// changes nothing if the disk is not as it was read.
/// </summary>
public static class ConvertPlanDisk
{
    public const string Header = "xeno-convert-plan 1";

    /// <summary>The image is padded with NULs to a whole number of these (a disk's size is whole sectors).</summary>
    public const int Granule = 1 << 20;

    /// <summary>What the helper's reader reads at most.</summary>
    public const int MaxBytes = 16 << 20;

    public static byte[] Encode(ConvertJob job, string diff)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append("target=").Append(GuestConsoles.Name(job.Target)).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"partition={job.Partition}\n");
        text.Append("regenerate=").Append(job.Regenerate is null ? "-" : B64(job.Regenerate)).Append('\n');
        text.Append("bootloader=").Append(job.InstallBootloader ? '1' : '0').Append('\n');
        text.Append("stamp=").Append(job.StampText).Append('\n');
        text.Append("boot=").Append(job.BootPartition is { } boot ? boot.ToString(CultureInfo.InvariantCulture) : "-").Append('\n');
        foreach (var c in job.Changes)
        {
            text.Append(c.Action switch
            {
                GuestFileAction.Write => $"write {B64(c.Path)} {Sha(c.Before)} {(c.After!.Length == 0 ? "-" : B64(c.After))}\n",
                GuestFileAction.Delete => $"delete {B64(c.Path)} {(c.Before is null ? "link" : Sha(c.Before))}\n",
                GuestFileAction.Symlink => $"link {B64(c.Path)} {B64(c.LinkTarget!)}\n",
                _ => throw new ArgumentException($"unknown change {c.Action}"),
            });
        }
        if (diff.Length > 0) text.Append("diff ").Append(B64(diff)).Append('\n');
        text.Append("end\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (bytes.Length > MaxBytes)
            throw new ConversionRefusedException($"the conversion's files are too large for the plan disk ({bytes.Length} bytes encoded, at most {MaxBytes})");
        var disk = new byte[(bytes.Length + Granule - 1) / Granule * Granule];
        bytes.CopyTo(disk, 0);
        return disk;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Sha(string? text) =>
        text is null ? "-" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
