namespace Xeno.Panel.Data;

/// <summary>The quotas table: an owner without a row has the configured default.</summary>
public sealed class Quotas(PanelDatabase db)
{
    public Quota For(long userId, Quota fallback) => Own(userId) ?? fallback;

    /// <summary>The user's own quota row; null when they have the configured default.</summary>
    public Quota? Own(long userId)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT max_vms, max_memory_mib, max_vcpus, max_disk_gib FROM quotas WHERE user_id = @u",
            r => new Quota(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)), ("@u", userId)).FirstOrDefault();
    }

    /// <summary>Back to the configured default.</summary>
    public void Clear(long userId)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM quotas WHERE user_id = @u", ("@u", userId));
    }

    public void Set(long userId, Quota q)
    {
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        Db.Execute(c, tx, "DELETE FROM quotas WHERE user_id = @u", ("@u", userId));
        Db.Execute(c, tx, "INSERT INTO quotas (user_id, max_vms, max_memory_mib, max_vcpus, max_disk_gib) VALUES (@u, @v, @m, @c, @d)",
            ("@u", userId), ("@v", q.MaxVms), ("@m", q.MaxMemoryMib), ("@c", q.MaxVcpus), ("@d", q.MaxDiskGib));
        tx.Commit();
    }
}
