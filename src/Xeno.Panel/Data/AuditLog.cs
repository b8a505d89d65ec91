namespace Xeno.Panel.Data;

public sealed record AuditEntry(long Id, string Time, string? User, string Action, string? Target, string? Remote, string Result, string? Detail);

/// <summary>The audit table: who did what, when, from where, with what result.</summary>
public sealed class AuditLog(PanelDatabase db)
{
    /// <summary>Told the action and result of each entry written (the panel's metrics count them).</summary>
    public event Action<string, string>? Written;

    public void Write(string? user, string action, string? target, string? remote, string result, string? detail = null)
    {
        using (var c = db.Open())
        {
            Db.Execute(c, null, "INSERT INTO audit (time, user_name, action, target, remote, result, detail) VALUES (@t, @u, @a, @g, @r, @s, @d)",
                ("@t", Db.Now()), ("@u", user), ("@a", action), ("@g", target), ("@r", remote), ("@s", result), ("@d", detail));
        }
        Written?.Invoke(action, result);
    }

    /// <summary>The newest entries first, optionally only one user's or one action's (exact match).</summary>
    public IReadOnlyList<AuditEntry> Read(string? user = null, string? action = null, int limit = 200)
    {
        using var c = db.Open();
        return Db.Query(c, """
            SELECT id, time, user_name, action, target, remote, result, detail FROM audit
            WHERE (CAST(@u AS TEXT) IS NULL OR user_name = @u) AND (CAST(@a AS TEXT) IS NULL OR action = @a)
            ORDER BY id DESC LIMIT @l
            """,
            r => new AuditEntry(r.GetInt64(0), r.GetString(1), Db.NullableString(r, 2), r.GetString(3), Db.NullableString(r, 4),
                Db.NullableString(r, 5), r.GetString(6), Db.NullableString(r, 7)),
            ("@u", string.IsNullOrEmpty(user) ? null : user), ("@a", string.IsNullOrEmpty(action) ? null : action), ("@l", limit));
    }
}
