using Xeno.Cli.Tests.Support;

namespace Xeno.Cli.Tests.Migration;

/// <summary>xl migrate / migrate-receive's usage, help and argument errors, byte for byte against Debian's real xl.</summary>
public sealed class RealXlMigrateTests : IDisposable
{
    private readonly XlRunner _xl = new();

    public static TheoryData<string> UsageCases() =>
    [
        "migrate", "migrate d", "migrate -h", "help migrate", "migrate -x d h",
        "migrate-receive -h", "help migrate-receive", "migrate-receive -q",
    ];

    [Theory]
    [MemberData(nameof(UsageCases))]
    public void UsageIsXens(string line)
    {
        var args = line.Split(' ');
        var real = RealXl.Run(args);
        var ours = _xl.Run(args);
        Assert.Equal(real, (ours.Exit, ours.Out, ours.Err));
    }

    public void Dispose() => _xl.Dispose();
}
