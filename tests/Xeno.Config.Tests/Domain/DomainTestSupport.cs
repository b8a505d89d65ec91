using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Domain;

internal static class DomainTestSupport
{
    public static readonly HostCpuTopology FourCpus = new(4, [new[] { 0, 1, 2, 3 }]);

    public static DomainBuildResult Build(string text, GlobalConfig? global = null, int seed = 1)
    {
        var parse = ConfigParser.Parse(text, "test.cfg");
        Assert.True(parse.Success, string.Join("\n", parse.DiagnosticLines()));
        return DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(global ?? GlobalConfig.Default, FourCpus, new Random(seed)));
    }

    public static DomainSpec BuildOk(string text, GlobalConfig? global = null)
    {
        var result = Build(text, global);
        Assert.True(result.Ok, "build failed: " + string.Concat(result.Messages));
        return result.Spec!;
    }

    public static string Stderr(DomainBuildResult result) => string.Concat(result.Messages);
}
