namespace Xeno.Network;

/// <summary>Host interface names of a domain's vifs, as Xen's backend names them.</summary>
public static class VifNaming
{
    /// <summary>The kernel's limit on an interface name (IFNAMSIZ less the terminating NUL).</summary>
    public const int MaxInterfaceName = 15;

    /// <summary><c>vif&lt;domid&gt;.&lt;devid&gt;</c>, or the admin's <c>vifname=</c>.</summary>
    public static string TapName(int domid, int devid, string? vifName) =>
        string.IsNullOrEmpty(vifName) ? $"vif{domid}.{devid}" : vifName;
}
