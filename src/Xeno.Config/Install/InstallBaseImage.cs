namespace Xeno.Config.Install;

/// <summary>
/// Whether a stream holds a base image the autoinstaller can copy: a raw disk of at least 1 MiB
/// with an MBR (scripts/debian-image/build's layout), not qcow2. Shared by xl's checks and
/// xenod's; the caller opens the file.
/// </summary>
public static class InstallBaseImage
{
    /// <summary>Why the image cannot be used, or null with its size in bytes.</summary>
    public static string? Problem(Stream image, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(image);
        bytes = 0;
        Span<byte> head = stackalloc byte[512];
        if (image.Length < 1 << 20) return "too small to be a disk image";
        image.ReadExactly(head);
        if (head[0] == 'Q' && head[1] == 'F' && head[2] == 'I' && head[3] == 0xfb)
            return "a qcow2 image: the base must be raw (scripts/debian-image/build makes one)";
        if (head[510] != 0x55 || head[511] != 0xaa) return "no MBR partition table: not a disk made by scripts/debian-image/build";
        bytes = image.Length;
        return null;
    }
}
