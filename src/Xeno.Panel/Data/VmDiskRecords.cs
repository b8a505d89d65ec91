namespace Xeno.Panel.Data;

/// <summary>An extra disk the panel made for a VM: <see cref="Index"/> 1 is the second disk (xvdb / hdb), and so on.</summary>
public sealed record VmExtraDisk(long Id, long VmId, int Index, int SizeGib, string Path);

/// <summary>The vm_disks table: a VM's disks beyond its first (which is in the vms row).</summary>
public sealed class VmDiskRecords(PanelDatabase db)
{
    public IReadOnlyList<VmExtraDisk> Of(long vmId)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT id, vm_id, vdev_index, size_gib, path FROM vm_disks WHERE vm_id = @v ORDER BY vdev_index",
            r => new VmExtraDisk(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4)), ("@v", vmId));
    }

    /// <summary>Every extra disk of an owner's VMs, in GiB (counted against the disk quota).</summary>
    public int GibOfOwner(long ownerId)
    {
        using var c = db.Open();
        return Convert.ToInt32(Db.Scalar(c, null, "SELECT COALESCE(SUM(d.size_gib), 0) FROM vm_disks d JOIN vms v ON v.id = d.vm_id WHERE v.owner_id = @o", ("@o", ownerId)));
    }

    public VmExtraDisk Add(long vmId, int index, int sizeGib, string path)
    {
        using var c = db.Open();
        Db.Execute(c, null, "INSERT INTO vm_disks (vm_id, vdev_index, size_gib, path, created) VALUES (@v, @i, @s, @p, @t)",
            ("@v", vmId), ("@i", index), ("@s", sizeGib), ("@p", path), ("@t", Db.Now()));
        return Of(vmId).Single(d => d.Index == index);
    }

    public void Remove(long id)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM vm_disks WHERE id = @i", ("@i", id));
    }
}
