using System.Globalization;

namespace Xeno.Engine.Devices.Cpus;

/// <summary>
/// /local/domain/&lt;domid&gt;/cpu/&lt;n&gt;/availability for every possible vCPU (n &lt; maxvcpus):
/// "online" for the first <c>online</c>, "offline" for the rest, as libxl writes them at build
/// and again after each vcpu-set (a Xen guest's kernel watches them to bring CPUs up and down).
/// Pure.
/// </summary>
public static class VcpuStoreNodes
{
    public static IReadOnlyList<(string Path, string Value)> For(int domid, int online, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(online);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(online, max);
        var nodes = new List<(string, string)>(max);
        for (int i = 0; i < max; i++)
            nodes.Add((string.Create(CultureInfo.InvariantCulture, $"/local/domain/{domid}/cpu/{i}/availability"), i < online ? "online" : "offline"));
        return nodes;
    }
}
