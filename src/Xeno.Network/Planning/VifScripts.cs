namespace Xeno.Network.Planning;

/// <summary>
/// <c>script=</c> as libxl reads it: a relative name is looked up in Xen's script folder, so
/// "vif-route" and "/etc/xen/scripts/vif-route" are the same script. Xen's three vif scripts
/// become Xeno's built-in modes; every other script is the admin's own.
/// </summary>
public static class VifScripts
{
    /// <summary>XEN_SCRIPT_DIR on Debian.</summary>
    public const string XenScriptDir = "/etc/xen/scripts";

    /// <summary>The mode <paramref name="script"/> selects, and the script's full path (what Xen would run).</summary>
    public static (VifMode Mode, string Path) Classify(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (script.Length == 0)
            throw new VifPlanException("script= is empty: give a vif script (vif-bridge, vif-route, vif-nat or a path)");
        var path = script.StartsWith('/') ? script : $"{XenScriptDir}/{script}";
        var mode = path switch
        {
            XenScriptDir + "/vif-bridge" => VifMode.Bridge,
            XenScriptDir + "/vif-route" => VifMode.Route,
            XenScriptDir + "/vif-nat" => VifMode.Nat,
            _ => VifMode.CustomScript,
        };
        return (mode, path);
    }
}
