using Xeno.Config.Domain;
using Xeno.Config.Language;

namespace Xeno.Config.Host;

/// <summary>
/// The host-wide xl.conf (same language as xl.cfg): defaults for new vifs, the lock file, output
/// format and Xeno's accelerator choice. Unknown keys are ignored as xl ignores them.
/// </summary>
public sealed record GlobalConfig
{
    public const string DefaultVifScript = "vif-bridge";
    public const string DefaultBridge = "xenbr0";

    /// <summary>null = "auto" (Xen decides from dom0_mem; Xeno has no dom0 balloon, so auto means off).</summary>
    public bool? Autoballoon { get; init; }
    public bool RunHotplugScripts { get; init; } = true;
    /// <summary>Lock file held around domain creation; null = the prefix's default.</summary>
    public string? LockFile { get; init; }
    public string? VifScript { get; init; }
    public string? VifBridge { get; init; }
    public string? VifGatewayDev { get; init; }
    public string? VifBackend { get; init; }
    /// <summary>"json" or "sxp".</summary>
    public string OutputFormat { get; init; } = "json";
    public string? BlkdevStart { get; init; }
    public bool ClaimMode { get; init; } = true;
    public string? RemusNetbufScript { get; init; }
    public string? ColoProxyScript { get; init; }
    /// <summary>Xeno extension: host-wide accelerator, "auto", "kvm" or "tcg".</summary>
    public string Accel { get; init; } = AccelNames.Auto;

    public static readonly GlobalConfig Default = new();
}

/// <summary>Reads a parsed xl.conf into a <see cref="GlobalConfig"/>, with xl's messages.</summary>
public static class GlobalConfigReader
{
    /// <summary>
    /// Applies the settings of <paramref name="document"/>. Messages are raw stderr text in
    /// order (each carries its own line ending, exactly as xl writes them).
    /// </summary>
    public static GlobalConfig Read(ConfigDocument document, List<string> messages)
    {
        var r = new OrderedConfigReader(new ConfigReader(document), messages);
        var g = new GlobalConfig();

        if (r.TryGetString("autoballoon", out var ab))
        {
            if (ab is "on" or "1") g = g with { Autoballoon = true };
            else if (ab is "off" or "0") g = g with { Autoballoon = false };
            else if (ab == "auto") g = g with { Autoballoon = null };
            else messages.Add("invalid autoballoon option"); // sic: xl prints no newline here
        }
        if (r.TryGetLong("run_hotplug_scripts", out var hp)) g = g with { RunHotplugScripts = hp != 0 };
        if (r.TryGetString("lockfile", out var lockfile)) g = g with { LockFile = lockfile };

        if (r.TryGetString("vifscript", out var vs))
        {
            messages.Add("the global config option vifscript is deprecated, please switch to vif.default.script\n");
            g = g with { VifScript = vs };
        }
        if (r.TryGetString("vif.default.script", out vs)) g = g with { VifScript = vs };
        if (r.TryGetString("defaultbridge", out var br))
        {
            messages.Add("the global config option defaultbridge is deprecated, please switch to vif.default.bridge\n");
            g = g with { VifBridge = br };
        }
        if (r.TryGetString("vif.default.bridge", out br)) g = g with { VifBridge = br };
        if (r.TryGetString("vif.default.gatewaydev", out var gw)) g = g with { VifGatewayDev = gw };
        if (r.TryGetString("vif.default.backend", out var be)) g = g with { VifBackend = be };

        if (r.TryGetString("output_format", out var of))
        {
            if (of is "json" or "sxp") g = g with { OutputFormat = of };
            else messages.Add($"invalid default output format \"{of}\"\n");
        }
        if (r.TryGetString("blkdev_start", out var bs)) g = g with { BlkdevStart = bs };
        if (r.TryGetLong("claim_mode", out var cm)) g = g with { ClaimMode = cm != 0 };
        if (r.TryGetString("remus.default.netbufscript", out var nb)) g = g with { RemusNetbufScript = nb };
        if (r.TryGetString("colo.default.proxyscript", out var cp)) g = g with { ColoProxyScript = cp };

        if (r.TryGetString("accel", out var accel))
        {
            if (AccelNames.IsValid(accel)) g = g with { Accel = accel };
            else messages.Add($"invalid accel option \"{accel}\" (expected auto, kvm or tcg)\n");
        }
        return g;
    }
}
