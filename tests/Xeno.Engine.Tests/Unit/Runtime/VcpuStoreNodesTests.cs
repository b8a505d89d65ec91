using Xeno.Engine.Devices.Cpus;

namespace Xeno.Engine.Tests.Unit.Runtime;

/// <summary>cpu/N/availability as libxl writes it at build and after vcpu-set.</summary>
public sealed class VcpuStoreNodesTests
{
    [Fact]
    public void TheFirstOnlineOfMaxAreOnlineTheRestOffline()
    {
        Assert.Equal(
        [
            ("/local/domain/4/cpu/0/availability", "online"),
            ("/local/domain/4/cpu/1/availability", "online"),
            ("/local/domain/4/cpu/2/availability", "offline"),
            ("/local/domain/4/cpu/3/availability", "offline"),
        ], VcpuStoreNodes.For(4, 2, 4));
        Assert.Equal(["online"], VcpuStoreNodes.For(1, 1, 1).Select(n => n.Value));
    }

    [Fact]
    public void MoreOnlineThanPossibleIsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VcpuStoreNodes.For(1, 5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => VcpuStoreNodes.For(1, -1, 4));
    }
}
