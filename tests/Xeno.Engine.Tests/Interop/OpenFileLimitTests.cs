using Xeno.Engine.Interop;

namespace Xeno.Engine.Tests.Interop;

/// <summary>RLIMIT_NOFILE: the pure target and the real getrlimit/setrlimit on this process.</summary>
public sealed class OpenFileLimitTests
{
    [Theory]
    [InlineData(1024UL, 524288UL, 524288UL)]      // systemd's defaults: raise to the hard limit
    [InlineData(20000UL, 20000UL, 20000UL)]       // already there
    [InlineData(1024UL, OpenFileLimit.Infinity, 1048576UL)] // infinite hard: fs.nr_open
    [InlineData(2000000UL, OpenFileLimit.Infinity, 2000000UL)] // never lowered
    public void TargetIsTheHardLimit(ulong soft, ulong hard, ulong expected)
    {
        Assert.Equal(expected, OpenFileLimit.Target(new OpenFileLimit.Limits(soft, hard)));
    }

    [Fact]
    public void ALoweredSoftLimitIsRaisedBackToTheHardOne()
    {
        var start = OpenFileLimit.Get();
        Assert.True(start.Soft <= start.Hard);
        Assert.True(start.Soft >= 256, $"soft limit {start.Soft}");
        // Lower it a little (other tests in this process keep plenty of room), then raise it.
        var lowered = start with { Soft = start.Soft - 1 };
        OpenFileLimit.Set(lowered);
        try
        {
            Assert.Equal(lowered, OpenFileLimit.Get());
            var (before, after) = OpenFileLimit.RaiseSoftToHard();
            Assert.Equal(lowered, before);
            Assert.Equal(start.Hard, after.Hard);
            Assert.Equal(OpenFileLimit.Target(lowered, ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), System.Globalization.CultureInfo.InvariantCulture)), after.Soft);
            Assert.Equal(after, OpenFileLimit.Get());
        }
        finally
        {
            if (OpenFileLimit.Get().Soft < start.Soft)
                OpenFileLimit.Set(start);
        }
    }

    [Fact]
    public void ASoftLimitAboveTheHardOneIsRefusedWithTheCallAndErrno()
    {
        var start = OpenFileLimit.Get();
        if (start.Hard == OpenFileLimit.Infinity)
            Assert.Skip("the hard limit is infinite here");
        var e = Assert.Throws<IOException>(() => OpenFileLimit.Set(start with { Soft = start.Hard + 1 }));
        Assert.StartsWith($"setrlimit(RLIMIT_NOFILE, {start.Hard + 1}/{start.Hard}) failed: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("(errno 22)", e.Message, StringComparison.Ordinal);
        Assert.Equal(start, OpenFileLimit.Get());
    }
}
