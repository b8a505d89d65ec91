using System.Globalization;
using Xeno.Qemu.Processes;

namespace Xeno.Qemu.Tests.Processes;

/// <summary>ProcFs's small-file reads (stat lines, statm) that `xl list` makes per vCPU and per domain.</summary>
public sealed class ProcFsReadTests
{
    private const string Stat =
        "4242 (qemu-system-x86) S 1 4240 4240 0 -1 4194560 12000 0 3 0 250 75 0 0 20 0 5 0 987654 1400000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 1 0 0 0 17 1 0 0 0 0 0\n";

    [Fact]
    public void ResidentMemoryIsStatmsResidentPagesInKib()
    {
        using var root = new TempDir();
        Directory.CreateDirectory(root.File("42"));
        File.WriteAllText(root.File("42/statm"), "350000 25000 3000 1000 0 200000 0\n");
        Directory.CreateDirectory(root.File("43"));
        File.WriteAllText(root.File("43/statm"), "garbage\n");
        var proc = new ProcFs(root.Path);
        Assert.Equal(25000L * Environment.SystemPageSize / 1024, proc.ResidentKb(42));
        Assert.Null(proc.ResidentKb(43));
        Assert.Null(proc.ResidentKb(44)); // gone
    }

    [Fact]
    public void ResidentMemoryAgreesWithVmRssOfALiveProcess()
    {
        // statm's resident and status's VmRSS add up the same counters; the heap may move a little between the reads.
        long vmRss = long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        long? statm = ProcFs.Host.ResidentKb(Environment.ProcessId);
        Assert.NotNull(statm);
        Assert.InRange(statm.Value, vmRss * 9 / 10, vmRss * 11 / 10);
    }

    [Fact]
    public void StatLinesAreReadWhateverTheirLength()
    {
        using var root = new TempDir();
        var proc = new ProcFs(root.Path);
        Directory.CreateDirectory(root.File("4242/task/4243"));
        File.WriteAllText(root.File("4242/task/4243/stat"), Stat);
        Assert.Equal(ProcStat.TryParse(Stat), proc.ThreadStat(4242, 4243));
        // Longer than the one-read buffer: the ordinary read takes over, nothing is cut.
        var longStat = Stat.TrimEnd('\n') + string.Concat(Enumerable.Repeat(" 0", 1000)) + "\n";
        File.WriteAllText(root.File("4242/stat"), longStat);
        Assert.Equal(ProcStat.TryParse(longStat), proc.Stat(4242));
        Assert.Null(proc.Stat(4244));
        // The real file of a live thread.
        var own = ProcFs.Host.ThreadStat(Environment.ProcessId, Environment.ProcessId);
        Assert.NotNull(own);
        Assert.Equal(Environment.ProcessId, own.Pid);
    }
}
