using Xeno.Engine.Api;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Tests.Unit;

/// <summary>xl info's memory accounting, cpu_khz reading, and the recent log's clear.</summary>
public sealed class HostFactsUnitTests
{
    [Fact]
    public void MemoryAddsUpAndTheHostSOwnUseIgnoresQemuSResidentRam()
    {
        // 24000 MiB host, 4000 MiB not available, of which QEMUs hold 300 MiB: Domain-0 is 3700.
        var (total, free, dom0) = HostMemoryAccount.Account(24000 * 1024L, 20000 * 1024L, [(128, 200 * 1024L), (256, 100 * 1024L)]);
        Assert.Equal((24000L, 3700L), (total, dom0));
        Assert.Equal(total, free + dom0 + 128 + 256);
        // As a guest touches its RAM, QEMU's resident memory and the host's used memory grow
        // together: Domain-0 and free stay where they were.
        Assert.Equal((24000L, free, 3700L), HostMemoryAccount.Account(24000 * 1024L, 19900 * 1024L, [(128, 300 * 1024L), (256, 100 * 1024L)]));
    }

    [Fact]
    public void MemoryNeverGoesNegativeWhenGuestsArePromisedMoreThanIsFree()
    {
        var (total, free, dom0) = HostMemoryAccount.Account(1000 * 1024L, 100 * 1024L, [(800, 0)]);
        Assert.Equal((1000L, 0L, 200L), (total, free, dom0));
        Assert.Equal((1000L, 0L, 0L), HostMemoryAccount.Account(1000 * 1024L, 100 * 1024L, [(1200, 0)]));
        // More resident than used (shared pages counted twice): the host's use floors at 0.
        Assert.Equal((1000L, 872L, 0L), HostMemoryAccount.Account(1000 * 1024L, 900 * 1024L, [(128, 500 * 1024L)]));
    }

    [Fact]
    public void RandomizedAccountsAlwaysAddUpAndStayNonNegative()
    {
        var random = new Random(9);
        for (int i = 0; i < 5000; i++)
        {
            long totalKb = random.NextInt64(0, 1L << 36), availableKb = random.NextInt64(-1, totalKb + 2);
            var guests = Enumerable.Range(0, random.Next(0, 6)).Select(_ => (random.NextInt64(0, totalKb / 1024 / 3 + 1), random.NextInt64(-5, totalKb / 4 + 1))).ToArray();
            var (total, free, dom0) = HostMemoryAccount.Account(totalKb, availableKb, guests);
            Assert.True(free >= 0 && dom0 >= 0);
            long guestMiB = guests.Sum(g => g.Item1);
            if (guestMiB <= total)
                Assert.Equal(total, free + dom0 + guestMiB);
        }
    }

    [Theory]
    [InlineData("processor\t: 0\ncpu MHz\t\t: 2100.000\n", 2100000)]
    [InlineData("cpu MHz\t\t: 2294.6089\ncpu MHz\t\t: 1.0\n", 2294608)]
    [InlineData("cpu MHz : 800\n", 800000)]
    [InlineData("cpu MHz : x\n", 0)]
    [InlineData("", 0)]
    public void CpuKhzIsReadAsDecimalDigits(string cpuinfo, long khz) => Assert.Equal(khz, HostFacts.CpuKhz(cpuinfo));

    [Fact]
    public void ClearedLogLinesAreGoneAndStayGoneForANewReaderOfTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("xeno-log-").FullName;
        try
        {
            var file = Path.Combine(dir, "xenod.log");
            var log = new EngineLog(file, TimeProvider.System);
            log.Info("a");
            log.Info("b");
            Assert.Equal(["a", "b"], log.TakeAll().Select(l => l.Split("xenod: ")[1]));
            Assert.Empty(log.Recent());
            log.Info("c");
            Assert.Equal(["c"], log.Recent().Select(l => l.Split("xenod: ")[1]));
            Assert.Equal(["c"], new EngineLog(file, TimeProvider.System).Recent().Select(l => l.Split("xenod: ")[1]));
            // The file keeps everything, the clear marked where it happened.
            Assert.Equal(4, File.ReadAllLines(file).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
