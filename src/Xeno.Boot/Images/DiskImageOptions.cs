namespace Xeno.Boot.Images;

/// <summary>How to open a disk image file.</summary>
public sealed record DiskImageOptions
{
    /// <summary>
    /// Opens the backing file a qcow2 image names (the name exactly as stored in the image,
    /// often relative to the image's folder). Null: images with a backing file are refused.
    /// The returned stream is owned, and disposed, by the opened image.
    /// </summary>
    public Func<string, Stream>? BackingResolver { get; init; }

    /// <summary>Longest backing chain accepted; longer chains are almost surely loops.</summary>
    public int MaxBackingDepth { get; init; } = 16;

    /// <summary>A name for the image used in error messages.</summary>
    public string Name { get; init; } = "disk image";
}
