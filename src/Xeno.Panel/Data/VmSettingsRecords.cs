namespace Xeno.Panel.Data;

/// <summary>Changes to a recorded VM's next-boot settings (type, memory, vCPUs) in the vms table.</summary>
public sealed class VmSettingsRecords(PanelDatabase db)
{
    /// <summary>The type and the kernel a pv boot uses (null: the guest's own, through pygrub).</summary>
    public void SetType(long vmId, VmType type, string? kernel)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE vms SET type = @t, kernel = @k WHERE id = @i", ("@t", VmRecords.TypeText(type)), ("@k", kernel), ("@i", vmId));
    }

    public void SetResources(long vmId, int memoryMib, int vcpus)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE vms SET memory_mib = @m, vcpus = @c WHERE id = @i", ("@m", memoryMib), ("@c", vcpus), ("@i", vmId));
    }
}
