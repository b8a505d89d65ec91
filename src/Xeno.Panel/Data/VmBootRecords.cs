namespace Xeno.Panel.Data;

/// <summary>How a VM boots the next time it is powered on (docs/panel.md, "Boot modes").</summary>
public enum BootMode { Normal, Rescue, Cd, Chainload }

/// <summary>A VM's boot setting: the mode and, for <see cref="BootMode.Cd"/>, the catalogue image.</summary>
public sealed record VmBoot(BootMode Mode, long? CdImageId)
{
    public static readonly VmBoot Normal = new(BootMode.Normal, null);
}

/// <summary>The vm_boot table; a VM without a row boots normally.</summary>
public sealed class VmBootRecords(PanelDatabase db)
{
    public VmBoot Get(long vmId)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT mode, cd_image_id FROM vm_boot WHERE vm_id = @v",
            r => new VmBoot(Parse(r.GetString(0)), r.IsDBNull(1) ? null : r.GetInt64(1)), ("@v", vmId)).FirstOrDefault() ?? VmBoot.Normal;
    }

    public void Set(long vmId, VmBoot boot)
    {
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        Db.Execute(c, tx, "DELETE FROM vm_boot WHERE vm_id = @v", ("@v", vmId));
        Db.Execute(c, tx, "INSERT INTO vm_boot (vm_id, mode, cd_image_id) VALUES (@v, @m, @c)",
            ("@v", vmId), ("@m", Text(boot.Mode)), ("@c", boot.CdImageId));
        tx.Commit();
    }

    public static string Text(BootMode mode) => mode switch
    {
        BootMode.Rescue => "rescue",
        BootMode.Cd => "cd",
        BootMode.Chainload => "chainload",
        _ => "normal",
    };

    public static BootMode Parse(string text) => text switch
    {
        "rescue" => BootMode.Rescue,
        "cd" => BootMode.Cd,
        "chainload" => BootMode.Chainload,
        _ => BootMode.Normal,
    };
}
