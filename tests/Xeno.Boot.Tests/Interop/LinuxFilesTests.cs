using System.Runtime.InteropServices;
using Xeno.Boot.Interop;

namespace Xeno.Boot.Tests.Interop;

/// <summary>The libc calls behind kernel copies, on real files.</summary>
public sealed class LinuxFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"xeno-linuxfiles-{Guid.NewGuid():N}");
    private readonly byte[] _data = new byte[300_000];

    public LinuxFilesTests()
    {
        Directory.CreateDirectory(_dir);
        new Random(7).NextBytes(_data);
        File.WriteAllBytes(Path.Combine(_dir, "source"), _data);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ConstantsMatch64BitLinux()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.Is64BitProcess, "Xeno runs on 64-bit Linux");
        Assert.Equal(0, LinuxFiles.SeekSet); // SEEK_SET
        Assert.Equal(8, LinuxFiles.OffsetBytes); // sizeof(loff_t) and sizeof(off_t)
        Assert.Equal(LinuxFiles.OffsetBytes, Marshal.SizeOf<long>());
    }

    [Fact]
    public void CopyFileRangeCopiesBetweenOffsetsWithoutMovingPositions()
    {
        using var source = File.OpenRead(Path.Combine(_dir, "source"));
        using var target = new FileStream(Path.Combine(_dir, "target"), FileMode.CreateNew, FileAccess.Write);
        long done = 0;
        while (done < 100_000)
        {
            long n = LinuxFiles.CopyFileRange(source.SafeFileHandle, 1000 + done, target.SafeFileHandle, 50 + done, 100_000 - done);
            Assert.True(n > 0, $"copy_file_range returned {n}");
            done += n;
        }
        target.Dispose();
        var written = File.ReadAllBytes(Path.Combine(_dir, "target"));
        Assert.Equal(100_050, written.Length);
        Assert.True(written.AsSpan(0, 50).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(_data.AsSpan(1000, 100_000).SequenceEqual(written.AsSpan(50)));
    }

    [Fact]
    public void SendFileCopiesBetweenOffsets()
    {
        using var source = File.OpenRead(Path.Combine(_dir, "source"));
        using (var target = new FileStream(Path.Combine(_dir, "target"), FileMode.CreateNew, FileAccess.Write))
        {
            long done = 0;
            while (done < 200_000)
            {
                long n = LinuxFiles.SendFile(source.SafeFileHandle, 7 + done, target.SafeFileHandle, 3 + done, 200_000 - done);
                Assert.True(n > 0, $"sendfile returned {n}");
                done += n;
            }
        }
        var written = File.ReadAllBytes(Path.Combine(_dir, "target"));
        Assert.True(_data.AsSpan(7, 200_000).SequenceEqual(written.AsSpan(3)));
    }

    [Fact]
    public void BothReturnZeroAtTheEndOfTheSource()
    {
        using var source = File.OpenRead(Path.Combine(_dir, "source"));
        using var target = new FileStream(Path.Combine(_dir, "target"), FileMode.CreateNew, FileAccess.Write);
        Assert.Equal(0, LinuxFiles.CopyFileRange(source.SafeFileHandle, _data.Length, target.SafeFileHandle, 0, 4096));
        Assert.Equal(0, LinuxFiles.SendFile(source.SafeFileHandle, _data.Length, target.SafeFileHandle, 0, 4096));
    }

    [Fact]
    public void BothFailWithANegativeCountOnATargetNotOpenForWriting()
    {
        File.WriteAllBytes(Path.Combine(_dir, "target"), []);
        using var source = File.OpenRead(Path.Combine(_dir, "source"));
        using var target = File.OpenRead(Path.Combine(_dir, "target"));
        Assert.True(LinuxFiles.CopyFileRange(source.SafeFileHandle, 0, target.SafeFileHandle, 0, 4096) < 0);
        Assert.True(LinuxFiles.SendFile(source.SafeFileHandle, 0, target.SafeFileHandle, 0, 4096) < 0);
    }
}
