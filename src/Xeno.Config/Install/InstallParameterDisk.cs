using System.Text;

namespace Xeno.Config.Install;

/// <summary>
/// The parameter disk of the autoinstaller's helper guest: the install's values on a small raw
/// image the helper reads from /dev/vdb (read-only), so no secret is ever on a command line
/// (`ps` shows QEMU's and the guest's). Its reader is the helper's shell
/// (scripts/guest-kit/install-params.sh). Layout: the line "xeno-install-parameters 1", then
/// "key=base64(value)" lines (hostname, root-password, authorized-keys; each at most once),
/// then "end", NUL padding to a whole number of 4 KiB blocks.
/// </summary>
public static class InstallParameterDisk
{
    public const string Header = "xeno-install-parameters 1";

    /// <summary>The reader takes at most this much (scripts/guest-kit/install-params.sh).</summary>
    public const int MaxBytes = 65536;

    public static byte[] Encode(string hostname, string? rootPassword, string? authorizedKeys)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        if (rootPassword is null && authorizedKeys is null)
            throw new ArgumentException("an install needs a root password or an authorized key");
        var text = new StringBuilder(Header).Append('\n');
        Line(text, "hostname", hostname);
        if (rootPassword is not null) Line(text, "root-password", rootPassword);
        if (authorizedKeys is not null) Line(text, "authorized-keys", authorizedKeys);
        text.Append("end\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (bytes.Length > MaxBytes)
            throw new ArgumentException($"the install parameters take {bytes.Length} bytes; the helper reads at most {MaxBytes}");
        var disk = new byte[(bytes.Length + 4095) / 4096 * 4096];
        bytes.CopyTo(disk, 0);
        return disk;
    }

    private static void Line(StringBuilder text, string key, string value)
    {
        if (value.Length == 0) throw new ArgumentException($"the install parameter {key} is empty");
        text.Append(key).Append('=').Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(value))).Append('\n');
    }
}
