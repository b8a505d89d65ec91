namespace Xeno.Boot.Loaders;

/// <summary>The boot config languages we read.</summary>
public enum ConfigKind { Grub2, ExtLinux, GrubLegacy, Bls }

internal static class ConfigKindNames
{
    /// <summary>The parser name pygrub prints in "Using &lt;class '...'&gt; to parse FILE".</summary>
    public static string PygrubClass(this ConfigKind kind) => kind switch
    {
        ConfigKind.Grub2 => "grub.GrubConf.Grub2ConfigFile",
        ConfigKind.ExtLinux => "grub.ExtLinuxConf.ExtLinuxConfigFile",
        ConfigKind.GrubLegacy => "grub.GrubConf.GrubConfigFile",
        // pygrub has no BLS parser; the name only has to say what we used.
        _ => "xeno.Boot.BlsEntries",
    };
}
