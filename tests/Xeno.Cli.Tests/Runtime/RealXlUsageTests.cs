using Xeno.Cli.Tests.Support;

namespace Xeno.Cli.Tests.Runtime;

/// <summary>
/// The run-time control commands' argument errors and help, byte for byte against Debian's real
/// xl (Xen 4.17) run under tools/xl-spec-oracle/xl-shim.c (it stands in for the hypervisor, so xl
/// gets as far as its own argument handling). These answers need no xenod.
/// </summary>
public sealed class RealXlUsageTests : IDisposable
{
    private readonly XlRunner _xl = new();

    /// <summary>Each case is xl's arguments, space separated.</summary>
    public static TheoryData<string> Cases() =>
    [
        "vcpu-set", "vcpu-set d", "vcpu-set -h", "vcpu-set -q d 1",
        "sysrq", "sysrq d", "sysrq -h",
        "trigger", "trigger d", "trigger -h",
        "dump-core", "dump-core d", "dump-core -h",
        "debug-keys", "debug-keys -h",
        "top -h", "help top", "help vcpu-set", "help trigger",
        "send-debug-keys x",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameTextAndStatusAsXen(string line)
    {
        var args = line.Split(' ');
        var real = RealXl.Run(args);
        var ours = _xl.Run(args);
        Assert.Equal(real, (ours.Exit, ours.Out, ours.Err));
    }

    public void Dispose() => _xl.Dispose();
}
