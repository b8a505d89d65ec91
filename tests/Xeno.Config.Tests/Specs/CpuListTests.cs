using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Specs;

public sealed class CpuListTests
{
    private static readonly HostCpuTopology Host = new(8, [[0, 1, 2, 3], [4, 5, 6, 7]]);

    private static int[] Cpus(string text)
    {
        var r = CpuList.Parse(text, Host);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Value!.ToArray();
    }

    [Theory]
    [InlineData("0-3,5,^1", new[] { 0, 2, 3, 5 })]
    [InlineData("all,^node:1", new[] { 0, 1, 2, 3 })]
    [InlineData("all", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("node:1", new[] { 4, 5, 6, 7 })]
    [InlineData("nodes:0-1,^node:0", new[] { 4, 5, 6, 7 })]
    [InlineData("nodes:all", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("^1,1", new[] { 1 })]
    [InlineData("1,^1", new int[0])]
    [InlineData("", new int[0])]
    [InlineData(",,3,,", new[] { 3 })]
    [InlineData("6-100", new[] { 6, 7 })]        // ids past the host select nothing
    [InlineData("node:9", new int[0])]
    [InlineData("0-18446744073709551614", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData(" 2", new[] { 2 })]              // strtoul skips blanks
    [InlineData("+2", new[] { 2 })]
    public void Lists(string text, int[] cpus) => Assert.Equal(cpus, Cpus(text));

    [Theory]
    [InlineData("^all", "Can't combine \"^\" and \"all\".")]
    [InlineData("^nodes:all", "Can't combine \"^\" and \"all\".")]
    [InlineData("x", "Invalid pcpu range: x.")]
    [InlineData("3-1", "Invalid pcpu range: 3-1.")]
    [InlineData("1-", "Invalid pcpu range: 1-.")]
    [InlineData("1x", "Invalid pcpu range: 1x.")]
    [InlineData("node:x", "Invalid pcpu range: x.")]
    [InlineData("^^1", "Invalid pcpu range: ^1.")]
    [InlineData("-1", "Invalid pcpu range: -1.")]
    [InlineData("0,all,bad", "Invalid pcpu range: bad.")]
    public void Errors(string text, string message) => Assert.Equal(message, Assert.Single(CpuList.Parse(text, Host).Errors));
}
