namespace Xeno.Panel.Data;

/// <summary>
/// One reading of a VM's counters from xenod's statistics: cumulative CPU time, disk sectors
/// (read + written) and network bytes (received + sent). Rates come from two readings.
/// </summary>
public sealed record UsageSample(long Time, long CpuNs, long DiskSectors, long NetBytes);

/// <summary>The usage_samples table: bounded, readings older than the kept window are pruned.</summary>
public sealed class UsageSamples(PanelDatabase db)
{
    public void Add(long vmId, UsageSample s)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM usage_samples WHERE vm_id = @v AND time = @t", ("@v", vmId), ("@t", s.Time));
        Db.Execute(c, null, "INSERT INTO usage_samples (vm_id, time, cpu_ns, disk_sectors, net_bytes) VALUES (@v, @t, @c, @d, @n)",
            ("@v", vmId), ("@t", s.Time), ("@c", s.CpuNs), ("@d", s.DiskSectors), ("@n", s.NetBytes));
    }

    /// <summary>A VM's readings since <paramref name="since"/> (unix seconds), oldest first.</summary>
    public IReadOnlyList<UsageSample> Since(long vmId, long since)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT time, cpu_ns, disk_sectors, net_bytes FROM usage_samples WHERE vm_id = @v AND time >= @s ORDER BY time",
            r => new UsageSample(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ("@v", vmId), ("@s", since));
    }

    /// <summary>Removes every reading older than <paramref name="before"/>; answers how many.</summary>
    public int Prune(long before)
    {
        using var c = db.Open();
        return Db.Execute(c, null, "DELETE FROM usage_samples WHERE time < @b", ("@b", before));
    }

    public int Count()
    {
        using var c = db.Open();
        return Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM usage_samples"));
    }
}
