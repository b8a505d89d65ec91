using System.Text;
using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

public sealed class ConsoleLogRotatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-rot-").FullName;

    private string Log => Path.Combine(_dir, "guest.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Below_the_limit_nothing_happens()
    {
        File.WriteAllText(Log, new string('a', 100));
        var rotator = new ConsoleLogRotator(Log, maxBytes: 100, generations: 3);
        Assert.False(rotator.RotateIfNeeded());
        Assert.False(File.Exists(Log + ".1"));
        Assert.False(new ConsoleLogRotator(Log + ".none", 10, 3).RotateIfNeeded());
        File.AppendAllText(Log, new string('a', 1000));
        Assert.False(new ConsoleLogRotator(Log, maxBytes: 0, generations: 3).RotateIfNeeded()); // 0: never by size
    }

    [Fact]
    public void Copy_then_truncate_keeps_the_live_file_and_the_newest_generations()
    {
        var rotator = new ConsoleLogRotator(Log, maxBytes: 10, generations: 3);
        for (int i = 1; i <= 5; i++)
        {
            File.AppendAllText(Log, $"boot {i} output\n");
            Assert.True(rotator.RotateIfNeeded());
            Assert.Equal(0, new FileInfo(Log).Length);
        }
        Assert.Equal("boot 5 output\n", File.ReadAllText(Log + ".1"));
        Assert.Equal("boot 4 output\n", File.ReadAllText(Log + ".2"));
        Assert.Equal("boot 3 output\n", File.ReadAllText(Log + ".3"));
        Assert.False(File.Exists(Log + ".4"));
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Log, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.AppendAllText(Log, "secret\n");
            rotator.Rotate();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Log + ".1"));
        }
    }

    [Fact]
    public void Rotates_while_a_writer_holds_the_log_open()
    {
        // QEMU keeps its logfile open (O_APPEND); the real guest test checks QEMU's side.
        using var writer = new FileStream(Log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        writer.Write(Encoding.ASCII.GetBytes(new string('x', 64)));
        writer.Flush();
        var rotator = new ConsoleLogRotator(Log, maxBytes: 32, generations: 2);
        Assert.True(rotator.RotateIfNeeded());
        Assert.Equal(64, new FileInfo(Log + ".1").Length);
        File.AppendAllText(Log, "after\n");
        Assert.Equal("after\n", File.ReadAllText(Log));
    }

    [Fact]
    public void Tail_reads_the_last_bytes_or_nothing()
    {
        Assert.Empty(ConsoleLogRotator.ReadTail(Log, 10));
        Assert.Empty(ConsoleLogRotator.ReadTail(Path.Combine(_dir, "no/such/dir.log"), 10));
        File.WriteAllText(Log, "0123456789abcdef");
        Assert.Equal("abcdef"u8.ToArray(), ConsoleLogRotator.ReadTail(Log, 6));
        Assert.Equal("0123456789abcdef"u8.ToArray(), ConsoleLogRotator.ReadTail(Log, 100));
    }
}
