using Xeno.Config.Specs;

namespace Xeno.Network.Planning;

/// <summary>Host interface names of a domain's vifs, as Xen's backend names them.</summary>
public static class VifNaming
{
    /// <summary>The kernel's limit on an interface name (IFNAMSIZ less the terminating NUL).</summary>
    public const int MaxInterfaceName = InterfaceName.MaxBytes;

    /// <summary><c>vif&lt;domid&gt;.&lt;devid&gt;</c>, or the admin's <c>vifname=</c>.</summary>
    public static string TapName(int domid, int devid, string? vifName) =>
        string.IsNullOrEmpty(vifName) ? $"vif{domid}.{devid}" : vifName;

    /// <summary><see cref="TapName"/>, refused when Linux could not name an interface so.</summary>
    public static string CheckedTapName(int domid, int devid, string? vifName)
    {
        var name = TapName(domid, devid, vifName);
        if (InterfaceName.Problem(name) is { } problem)
            throw new VifPlanException(problem);
        return name;
    }
}
