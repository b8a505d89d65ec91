using System.Diagnostics;
using System.Text;
using Xeno.Qemu.Processes;

namespace Xeno.Qemu.Tests.Processes;

public class ProcStatTests
{
    private const string Sample =
        "4242 (qemu-system-x86) S 1 4240 4240 0 -1 4194560 12000 0 3 0 250 75 0 0 20 0 5 0 987654 1400000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 1 0 0 0 17 1 0 0 0 0 0\n";

    [Fact]
    public void ParsesTheFieldsWeUse()
    {
        var stat = ProcStat.TryParse(Sample);
        Assert.Equal(new ProcStat(4242, "qemu-system-x86", 'S', 1, 4240, 250, 75, 987654) { LastCpu = 1 }, stat);
        Assert.Equal(TimeSpan.FromSeconds(3.25), stat!.CpuTime);
        Assert.False(stat.HasExited);
    }

    [Fact]
    public void CommandNamesMayContainSpacesAndParentheses()
    {
        var stat = ProcStat.TryParse(Sample.Replace("(qemu-system-x86)", "(CPU 0/TCG) (x)", StringComparison.Ordinal));
        Assert.Equal("CPU 0/TCG) (x", stat!.Command);
        Assert.Equal(250UL, stat.UserTicks);
    }

    [Theory]
    [InlineData('Z', true)]
    [InlineData('X', true)]
    [InlineData('R', false)]
    [InlineData('t', false)]
    public void ZombiesHaveExited(char state, bool exited)
    {
        Assert.Equal(exited, ProcStat.TryParse(Sample.Replace(" S 1 ", $" {state} 1 ", StringComparison.Ordinal))!.HasExited);
    }

    [Fact]
    public void ReadsThisProcess()
    {
        var stat = ProcFs.Host.Stat(Environment.ProcessId);
        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.Null(ProcFs.Host.Stat(int.MaxValue));
        Assert.Contains(ProcFs.Host.CommandLine(Environment.ProcessId)!, a => a.Contains("Xeno.Qemu.Tests", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomAndTruncatedLinesGiveNullNeverAnException()
    {
        var random = new Random(7);
        var watch = Stopwatch.StartNew();
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string text = (i % 3) switch
            {
                0 => Sample[..random.Next(Sample.Length)],
                1 => Encoding.Latin1.GetString(QmpBytes(random)),
                _ => Mutate(random),
            };
            if (ProcStat.TryParse(text) is not null)
                parsed++;
        }
        Assert.True(parsed > 0);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
    }

    private static byte[] QmpBytes(Random random)
    {
        var b = new byte[random.Next(0, 120)];
        random.NextBytes(b);
        return b;
    }

    private static string Mutate(Random random)
    {
        var chars = Sample.ToCharArray();
        for (int i = 0; i < 3; i++)
            chars[random.Next(chars.Length)] = " ()-0123456789Zx"[random.Next(16)];
        return new string(chars);
    }

    [Theory]
    [InlineData("4242\n", 4242)]
    [InlineData("  17  ", 17)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("12a", null)]
    [InlineData("", null)]
    [InlineData("99999999999", null)]
    public void PidFileContents(string text, int? pid)
    {
        Assert.Equal(pid, PidFile.Parse(text));
    }
}
