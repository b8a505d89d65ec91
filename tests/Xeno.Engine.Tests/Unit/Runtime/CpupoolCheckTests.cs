using Xeno.Engine.Domains;
using Xeno.Engine.Resources;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Unit.Runtime;

/// <summary>pool= at create: Pool-0 by name or id, nothing else.</summary>
public sealed class CpupoolCheckTests
{
    private static Config.Domain.DomainSpec With(string pool) =>
        Specs.From($"name=\"g\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\n{pool}");

    [Theory]
    [InlineData("")]
    [InlineData("pool=\"Pool-0\"\n")]
    [InlineData("pool=\"0\"\n")]
    [InlineData("pool=\"00\"\n")]
    public void PoolZeroIsAccepted(string pool) => CpupoolCheck.Check(With(pool));

    [Theory]
    [InlineData("pool=\"p1\"\n", "p1")]
    [InlineData("pool=\"1\"\n", "1")]
    [InlineData("pool=\"pool-0\"\n", "pool-0")]
    public void OtherPoolsAreIllegal(string pool, string name)
    {
        var e = Assert.Throws<EngineException>(() => CpupoolCheck.Check(With(pool)));
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.Equal($"libxl: error: Illegal pool specified: {name}", e.Message);
    }
}
