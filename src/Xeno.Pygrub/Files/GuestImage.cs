using Xeno.Boot;

namespace Xeno.Pygrub.Files;

/// <summary>An opened guest disk: its virtual disk bytes and how to open a filesystem at an offset.</summary>
internal sealed class GuestImage(Stream disk, Func<long, IGuestFileSystem> openFileSystem, IDisposable owner) : IDisposable
{
    public Stream Disk { get; } = disk;
    public Func<long, IGuestFileSystem> OpenFileSystem { get; } = openFileSystem;
    public void Dispose() => owner.Dispose();
}
