using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;

namespace Xeno.Engine.Tests.Unit;

/// <summary>Domids keep increasing across xenod restarts: the next one is on disk before one is handed out.</summary>
public sealed class DomidCounterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xe-domid-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File_ => Path.Combine(_dir.FullName, "run/xeno/next-domid");

    [Fact]
    public void ANewCounterContinuesWhereTheLastOneStopped()
    {
        var first = new DomidCounter(File_);
        Assert.Equal(1, first.Take());
        Assert.Equal(2, first.Take());
        Assert.Equal("3\n", File.ReadAllText(File_));
        // xenod restarts with no domain left: domids still do not go back.
        var second = new DomidCounter(File_);
        Assert.Equal(3, second.Take());
    }

    [Fact]
    public void AdoptedDomidsPushTheCounterNeverBack()
    {
        var c = new DomidCounter(File_);
        c.AtLeast(50);
        Assert.Equal(50, c.Take());
        c.AtLeast(10);
        Assert.Equal(51, c.Take());
    }

    [Fact]
    public void ADamagedFileIsNamedInTheError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File_)!);
        File.WriteAllText(File_, "x7");
        var e = Assert.Throws<EngineException>(() => new DomidCounter(File_).Take());
        Assert.Contains(File_, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"x7\"", e.Message, StringComparison.Ordinal);
    }
}
