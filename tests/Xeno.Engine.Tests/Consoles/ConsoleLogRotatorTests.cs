using System.Text;
using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

public sealed class ConsoleLogRotatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-rot-").FullName;

    private string Log => Path.Combine(_dir, "guest.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ShiftingKeepsTheNewestGenerations()
    {
        for (int i = 1; i <= 5; i++)
        {
            ConsoleLogRotator.ShiftGenerations(Log, 3);
            File.WriteAllText(Log + ".1", $"boot {i}\n");
        }
        Assert.Equal("boot 5\n", File.ReadAllText(Log + ".1"));
        Assert.Equal("boot 4\n", File.ReadAllText(Log + ".2"));
        Assert.Equal("boot 3\n", File.ReadAllText(Log + ".3"));
        Assert.False(File.Exists(Log + ".4"));
    }

    [Fact]
    public void TailReadsTheLastBytesOrNothing()
    {
        Assert.Empty(ConsoleLogRotator.ReadTail(Log, 10));
        Assert.Empty(ConsoleLogRotator.ReadTail(Path.Combine(_dir, "no/such/dir.log"), 10));
        File.WriteAllText(Log, "0123456789abcdef");
        Assert.Equal("abcdef"u8.ToArray(), ConsoleLogRotator.ReadTail(Log, 6));
        Assert.Equal("0123456789abcdef"u8.ToArray(), ConsoleLogRotator.ReadTail(Log, 100));
    }
}
