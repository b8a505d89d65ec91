using Microsoft.Win32.SafeHandles;
using Xeno.Engine.Consoles.Interop;

namespace Xeno.Engine.Tests.Consoles.Interop;

/// <summary>fallocate(FALLOC_FL_COLLAPSE_RANGE) on real files: what moves, and the refusals.</summary>
public sealed class FileRangesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-collapse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251))];

    private static SafeFileHandle OpenReadWrite(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

    [Fact]
    public void CollapsingWholeGranulesMovesTheRestToTheFront()
    {
        var path = Path.Combine(_dir, "log");
        var content = Pattern(3 * (int)FileRanges.Granule + 123);
        File.WriteAllBytes(path, content);
        using (var file = OpenReadWrite(path))
        {
            if (!FileRanges.TryCollapseFront(file, 2 * FileRanges.Granule, out int errno))
                Assert.Skip($"{_dir}'s filesystem cannot collapse ranges (errno {errno})");
        }
        Assert.Equal(content[(2 * (int)FileRanges.Granule)..], File.ReadAllBytes(path));
    }

    [Fact]
    public void ACollapseThatIsNotWholeGranulesOrReachesTheEndIsRefusedAndChangesNothing()
    {
        var path = Path.Combine(_dir, "log");
        var content = Pattern(2 * (int)FileRanges.Granule);
        File.WriteAllBytes(path, content);
        using (var file = OpenReadWrite(path))
        {
            Assert.False(FileRanges.TryCollapseFront(file, 100, out int unaligned));
            Assert.NotEqual(0, unaligned);
            Assert.False(FileRanges.TryCollapseFront(file, 2 * FileRanges.Granule, out int toEnd));
            Assert.NotEqual(0, toEnd);
        }
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Throws<ArgumentOutOfRangeException>(() => FileRanges.TryCollapseFront(new SafeFileHandle(), 0, out _));
    }
}
