using System.Data.Common;

namespace Xeno.Panel.Data;

public enum VmType { Pv, Hvm }

/// <summary>A VM as the panel records it; its running state comes from xenod.</summary>
public sealed record PanelVm(long Id, string Name, long OwnerId, string OwnerName, long HostId, VmType Type,
    int MemoryMib, int Vcpus, int DiskGib, string DiskPath, string? Kernel);

/// <summary>The usage an owner's VMs add up to (what quotas are checked against).</summary>
public sealed record Usage(int Vms, int MemoryMib, int Vcpus, int DiskGib);

/// <summary>The vms and vm_administrators tables (and the groups that administer VMs, for who may see them).</summary>
public sealed class VmRecords(PanelDatabase db)
{
    private const string Select = """
        SELECT v.id, v.name, v.owner_id, u.name, v.host_id, v.type, v.memory_mib, v.vcpus, v.disk_gib, v.disk_path, v.kernel
        FROM vms v JOIN users u ON u.id = v.owner_id
        """;

    public PanelVm? Get(long id)
    {
        using var c = db.Open();
        return Db.Query(c, Select + " WHERE v.id = @i", Read, ("@i", id)).FirstOrDefault();
    }

    public int Count()
    {
        using var c = db.Open();
        return Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM vms"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool NameTaken(string name)
    {
        using var c = db.Open();
        return Convert.ToInt64(Db.Scalar(c, null, "SELECT COUNT(*) FROM vms WHERE name = @n", ("@n", name))) > 0;
    }

    /// <summary>Every VM for an admin; for anyone else the ones they own or administer.</summary>
    public IReadOnlyList<PanelVm> VisibleTo(PanelUser user)
    {
        if (user.Disabled)
            return [];
        using var c = db.Open();
        return user.IsAdmin
            ? Db.Query(c, Select + " ORDER BY v.name", Read)
            : Db.Query(c, Select + " WHERE v.owner_id = @u OR v.id IN (SELECT vm_id FROM vm_administrators WHERE user_id = @u) OR v.id IN (" + ByGroup + ") ORDER BY v.name", Read, ("@u", user.Id));
    }

    public bool IsAdministrator(long vmId, long userId)
    {
        using var c = db.Open();
        return Convert.ToInt64(Db.Scalar(c, null, "SELECT COUNT(*) FROM vm_administrators WHERE vm_id = @v AND user_id = @u", ("@v", vmId), ("@u", userId))) > 0
            || Convert.ToInt64(Db.Scalar(c, null, "SELECT COUNT(*) FROM vms WHERE id = @v AND id IN (" + ByGroup + ")", ("@v", vmId), ("@u", userId))) > 0;
    }

    /// <summary>The VMs user @u administers through a group (vm_group_administrators, the admin pages).</summary>
    private const string ByGroup = "SELECT ga.vm_id FROM vm_group_administrators ga JOIN group_members m ON m.group_id = ga.group_id WHERE m.user_id = @u";

    public void AddAdministrator(long vmId, long userId)
    {
        using var c = db.Open();
        Db.Execute(c, null, "INSERT INTO vm_administrators (vm_id, user_id) VALUES (@v, @u)", ("@v", vmId), ("@u", userId));
    }

    public Usage UsageOf(long ownerId)
    {
        using var c = db.Open();
        // Extra disks (vm_disks) count against the disk quota as the first disks do.
        return Db.Query(c, """
            SELECT COUNT(*), COALESCE(SUM(memory_mib), 0), COALESCE(SUM(vcpus), 0),
                   COALESCE(SUM(disk_gib), 0) + (SELECT COALESCE(SUM(d.size_gib), 0) FROM vm_disks d JOIN vms o ON o.id = d.vm_id WHERE o.owner_id = @u)
            FROM vms WHERE owner_id = @u
            """,
            r => new Usage(Db.Int(r, 0), Db.Int(r, 1), Db.Int(r, 2), Db.Int(r, 3)), ("@u", ownerId)).Single();
    }

    /// <summary>Records a VM; null when the name is taken.</summary>
    public PanelVm? Add(string name, long ownerId, long hostId, VmType type, int memoryMib, int vcpus, int diskGib, string diskPath, string? kernel)
    {
        using var c = db.Open();
        try
        {
            Db.Execute(c, null, """
                INSERT INTO vms (name, owner_id, host_id, type, memory_mib, vcpus, disk_gib, disk_path, kernel, created)
                VALUES (@n, @o, @h, @t, @m, @c, @d, @p, @k, @at)
                """,
                ("@n", name), ("@o", ownerId), ("@h", hostId), ("@t", TypeText(type)), ("@m", memoryMib), ("@c", vcpus),
                ("@d", diskGib), ("@p", diskPath), ("@k", kernel), ("@at", Db.Now()));
        }
        catch (DbException) when (NameTaken(name))
        {
            return null;
        }
        return Db.Query(c, Select + " WHERE v.name = @n", Read, ("@n", name)).Single();
    }

    /// <summary>Forgets a VM: its administrators, boot mode, extra disk rows and usage samples go with it (ON DELETE CASCADE).</summary>
    public void Remove(long id)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM vms WHERE id = @i", ("@i", id));
    }

    public static string TypeText(VmType t) => t == VmType.Hvm ? "hvm" : "pv";

    private static PanelVm Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4),
        r.GetString(5) == "hvm" ? VmType.Hvm : VmType.Pv, r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetString(9),
        Db.NullableString(r, 10));
}
