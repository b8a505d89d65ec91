using System.Text;

namespace Xeno.Pygrub.Tests;

/// <summary>Files the command writes: only into the output directory, size-limited, cleaned up on failure.</summary>
[Collection("corpus")]
public sealed class ExtractionTests(CorpusFixture corpus) : IDisposable
{
    private readonly List<string> _dirs = [];

    private string NewDirectory()
    {
        var dir = Tools.TempDirectory();
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs) Directory.Delete(dir, recursive: true);
    }

    private RunResult Run(long maxBytes, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var host = new PygrubHost { Stdout = stdout, Stderr = stderr, OpenImage = Files.HostImages.Open, MaxFileBytes = maxBytes };
        int code = new PygrubCommand(host).Run(args);
        return new RunResult(code, stdout.ToArray(), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public void TooLargeAKernelIsRefusedAndNothingIsLeftBehind()
    {
        var dir = NewDirectory();
        var r = Run(1000, "-q", "--output-directory=" + dir, corpus.Cases["grub2-ext4-none"].Image);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("Error writing temporary copy of kernel\n", r.Stderr);
        Assert.Contains("limit of 1000 bytes", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void MissingKernelSaysSoLikePygrub()
    {
        var dir = NewDirectory();
        var r = Run(1 << 20, "-q", "--kernel=/boot/nope", "--output-directory=" + dir, corpus.Cases["grub2-ext4-none"].Image);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("Error opening /boot/nope in guest\n", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
        var n = Run(1 << 20, "-q", "-n", "--kernel=/boot/nope", "--output-directory=" + dir, corpus.Cases["grub2-ext4-none"].Image);
        Assert.Equal("The requested kernel file does not exist\n", n.Stderr);
    }

    [Fact]
    public void OutputFileGetsTheReportAndFilesArePrivateToTheOwner()
    {
        var dir = NewDirectory();
        var output = Path.Combine(dir, "report");
        var r = Run(1 << 27, "-q", "--output=" + output, "--output-format=simple0", "--output-directory=" + dir, corpus.Cases["legacy-ext2-none"].Image);
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(r.Stdout);
        var fields = File.ReadAllText(output).Split('\0');
        Assert.StartsWith("kernel " + dir + "/boot_kernel.", fields[0]);
        Assert.StartsWith("ramdisk " + dir + "/boot_ramdisk.", fields[1]);
        Assert.Equal("args root=/dev/xvda1 ro console=hvc0 quiet", fields[2]);
        Assert.Equal(["", ""], fields[3..]);
        var kernel = fields[0]["kernel ".Length..];
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), File.ReadAllBytes(kernel));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kernel));
        Assert.Equal(2, Directory.GetFiles(dir, "boot_*").Length);
    }

    [Fact]
    public void SimpleFormatRefusesASeparatorInArgsAndCleansUp()
    {
        var dir = NewDirectory();
        var r = Run(1 << 27, "-q", "--args=a\nb", "--output-format=simple", "--output-directory=" + dir, corpus.Cases["legacy-ext2-none"].Image);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("\nRuntimeError: simple format cannot represent delimiter-containing value\n", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void IsconfigReadsAHostConfigFile()
    {
        var dir = NewDirectory();
        var cfg = Path.Combine(dir, "menu.lst");
        File.WriteAllText(cfg, "default 1\ntitle a\nkernel /a x\ntitle b\nkernel /b y\ninitrd /ib\n");
        var r = Run(1 << 20, "-q", "--isconfig", "--args=z", "--output-directory=" + dir, cfg);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("  kernel: /b\n  initrd: /ib\n  args: y z\n", r.StdoutText);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void UnwritableOutputFileFailsAndRemovesTheExtractedFiles()
    {
        var dir = NewDirectory();
        var r = Run(1 << 27, "-q", "--output=" + Path.Combine(dir, "no", "such", "file"), "--output-directory=" + dir, corpus.Cases["legacy-ext2-none"].Image);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("Using <class", r.Stderr);
        Assert.Contains("OSError: ", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }
}
