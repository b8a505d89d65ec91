namespace Xeno.Qemu.Kernel.Xz;

/// <summary>An xz stream that is damaged, truncated, or uses a feature this decoder lacks.</summary>
public sealed class XzFormatException(string message) : Exception(message);
