using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Unit;

/// <summary>
/// Every config in examples/ parses and builds as xl create would build it, and every host file
/// it names is a guest kit output: the examples name the kit as /var/lib/xeno/guest-kit/&lt;file&gt;
/// (its documented place, or overridden on the command line), and that file must exist in the
/// directory scripts/guest-kit/build put the kit in.
/// </summary>
public sealed class ExampleConfigTests
{
    private const string KitPlace = "/var/lib/xeno/guest-kit/";

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(GuestKit.RepoRoot(), "examples"), "*.cfg").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleParsesAndNamesKitFilesThatExist(string name)
    {
        var path = Path.Combine(GuestKit.RepoRoot(), "examples", name);
        var parse = ConfigParser.Parse(File.ReadAllText(path), path);
        Assert.True(parse.Success, string.Join("\n", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(GlobalConfig.Default, HostCpuTopology.SingleNode(2), new Random(1)));
        Assert.True(build.Ok, string.Concat(build.Messages));
        Assert.Empty(build.UnusedKeys);
        var spec = build.Spec!;

        var named = new List<string>();
        if (spec.Bootloader is null)
            named.AddRange(new[] { spec.Kernel, spec.Ramdisk }.OfType<string>());
        named.AddRange(spec.Disks.Select(d => d.Target).OfType<string>());
        Assert.NotEmpty(named);
        var kitDir = Path.GetDirectoryName(GuestKit.Get().Vmlinuz)!;
        foreach (var file in named)
        {
            Assert.StartsWith(KitPlace, file, StringComparison.Ordinal);
            var built = Path.Combine(kitDir, file[KitPlace.Length..]);
            Assert.True(File.Exists(built), $"{name} names {file}, but the guest kit has no {built}");
        }
    }
}
