namespace Xeno.Panel.Data;

/// <summary>An autoinstall the panel follows: xenod's operation, who asked for it and from where, and when.</summary>
public sealed record VmInstallRecord(long VmId, string OperationId, long UserId, string? Remote, DateTimeOffset Started);

/// <summary>
/// The vm_installs table: the VMs whose autoinstall is running (xenod is writing their disk, so
/// they are neither started nor deleted meanwhile). Kept in the database, not in memory, so a
/// restarted panel follows them again and the SSH menu's own process sees them too. A row goes
/// when the install ends, or with its VM (ON DELETE CASCADE).
/// </summary>
public sealed class VmInstallRecords(PanelDatabase db)
{
    public void Begin(long vmId, string operationId, long userId, string? remote, DateTimeOffset started)
    {
        using var c = db.Open();
        Db.Execute(c, null, "INSERT INTO vm_installs (vm_id, operation_id, user_id, remote, started) VALUES (@v, @o, @u, @r, @s)",
            ("@v", vmId), ("@o", operationId), ("@u", userId), ("@r", remote), ("@s", Db.Stamp(started)));
    }

    public void End(long vmId)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM vm_installs WHERE vm_id = @v", ("@v", vmId));
    }

    public bool IsRunning(long vmId)
    {
        using var c = db.Open();
        return Db.Scalar(c, null, "SELECT 1 FROM vm_installs WHERE vm_id = @v", ("@v", vmId)) is not null;
    }

    /// <summary>Every install still to follow, oldest first.</summary>
    public IReadOnlyList<VmInstallRecord> All()
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT vm_id, operation_id, user_id, remote, started FROM vm_installs ORDER BY started, vm_id",
            r => new VmInstallRecord(r.GetInt64(0), r.GetString(1), r.GetInt64(2), Db.NullableString(r, 3), Db.ParseStamp(r.GetString(4))));
    }
}
