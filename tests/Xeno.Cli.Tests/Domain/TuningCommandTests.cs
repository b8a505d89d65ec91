namespace Xeno.Cli.Tests.Domain;

/// <summary>
/// xl vcpu-pin, mem-set, mem-max and vcpu-list without a xenod: help texts as Debian's xl 4.17
/// prints them (captured with tools/xl-spec-oracle's shim), argument errors, -N.
/// </summary>
public sealed class TuningCommandTests : IDisposable
{
    private readonly XlRunner _xl = new();

    public void Dispose() => _xl.Dispose();

    [Theory]
    [InlineData("vcpu-pin", "Usage: xl [-vtTfN] vcpu-pin [option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>\n\nSet which CPUs a VCPU can use.\n\nOptions:\n\n-f, --force        undo an override pinning done by the kernel\n--ignore-global-affinity-masks Ignore global masks in xl.conf\n")]
    [InlineData("mem-set", "Usage: xl [-vtTf] mem-set <Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>\n\nSet the current memory usage for a domain.\n\n")]
    [InlineData("mem-max", "Usage: xl [-vtTf] mem-max <Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>\n\nSet the maximum amount reservation for a domain.\n\n")]
    [InlineData("vcpu-list", "Usage: xl [-vtT] vcpu-list [Domain, ...]\n\nList the VCPUs for all/some domains.\n\n")]
    public void HelpTextsAreXlS(string command, string text)
    {
        Assert.Equal((0, text, ""), _xl.Run("help", command));
        Assert.Equal((0, text, ""), _xl.Run(command, "-h"));
    }

    [Fact]
    public void TheCommandListHasThemWithXlSDescriptions()
    {
        var list = _xl.Run("help").Out;
        Assert.Contains("\n mem-max             Set the maximum amount reservation for a domain\n", list, StringComparison.Ordinal);
        Assert.Contains("\n mem-set             Set the current memory usage for a domain\n", list, StringComparison.Ordinal);
        Assert.Contains("\n vcpu-pin            Set which CPUs a VCPU can use\n", list, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentErrorsComeBeforeXenodIsAsked()
    {
        Assert.Equal((1, "", "Error: Invalid argument x as VCPU.\n"), _xl.Run("vcpu-pin", "d", "x", "0"));
        Assert.Equal((1, "", "Error: --force and 'all' as VCPU not allowed.\n"), _xl.Run("vcpu-pin", "--force", "d", "all", "0"));
        Assert.Equal((1, "", "Invalid pcpu range: 2-1.\n"), _xl.Run("vcpu-pin", "d", "0", "2-1"));
        Assert.Equal((1, "", "Can't combine \"^\" and \"all\".\n"), _xl.Run("vcpu-pin", "d", "0", "-", "^all"));
        var few = _xl.Run("mem-set", "d");
        Assert.Equal(2, few.Exit);
        Assert.Equal("'xl mem-set' requires at least 2 arguments.\n\n", few.Err);
        Assert.Equal(2, _xl.Run("mem-max").Exit);
        Assert.Equal("option `q' not supported.\n", _xl.Run("mem-set", "-q", "d", "1").Err);
    }

    [Fact]
    public void DryRunPrintsTheCpumapsAndNeedsNoXenod()
    {
        int last = Environment.ProcessorCount - 1;
        Assert.Equal((0, "cpumap: all\n", ""), _xl.Run("-N", "vcpu-pin", "d", "0", "all"));
        Assert.Equal((0, "cpumap: - all\n", ""), _xl.Run("-N", "vcpu-pin", "d", "all", "-", "all"));
        if (last > 0)
            Assert.Equal((0, $"cpumap: {last} none\n", ""), _xl.Run("-N", "vcpu-pin", "d", "3", $"{last}", $"0-{last},^0-{last}"));
        Assert.Equal((1, "", "command does not implement -N (dryrun) option\n"), _xl.Run("-N", "mem-set", "d", "1"));
    }

    [Fact]
    public void WithoutXenodTheCommandsSaySo()
    {
        var r = _xl.Run("mem-set", "d", "64");
        Assert.Equal(1, r.Exit);
        Assert.Contains("xenod", r.Err, StringComparison.Ordinal);
        Assert.Equal(1, _xl.Run("vcpu-pin", "d", "0", "0").Exit);
        Assert.Equal(1, _xl.Run("vcpu-list").Exit);
    }
}
