using System.Data.Common;

namespace Xeno.Panel.Data;

public enum Role { Admin, Owner }

/// <param name="Disabled">An admin turned the account off: no login (web or SSH), no VM (docs/panel.md "Accounts").</param>
public sealed record PanelUser(long Id, string Name, string PasswordHash, Role Role, bool Disabled = false)
{
    public bool IsAdmin => Role == Role.Admin;
}

/// <summary>The users table.</summary>
public sealed class Users(PanelDatabase db)
{
    private const string Columns = "id, name, password_hash, role, disabled";

    public PanelUser? Find(string name)
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM users WHERE name = @n", Read, ("@n", name)).FirstOrDefault();
    }

    public PanelUser? Get(long id)
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM users WHERE id = @i", Read, ("@i", id)).FirstOrDefault();
    }

    public IReadOnlyList<PanelUser> All()
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM users ORDER BY name", Read);
    }

    public bool AnyAdmin()
    {
        using var c = db.Open();
        return Convert.ToInt64(Db.Scalar(c, null, "SELECT COUNT(*) FROM users WHERE role = 'admin'")) > 0;
    }

    /// <summary>Admins who can still log in (the admin pages never take the last one away).</summary>
    public int EnabledAdmins()
    {
        using var c = db.Open();
        return Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void SetRole(long id, Role role)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE users SET role = @r WHERE id = @i", ("@r", RoleText(role)), ("@i", id));
    }

    public void SetDisabled(long id, bool disabled)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE users SET disabled = @d WHERE id = @i", ("@d", disabled), ("@i", id));
    }

    /// <summary>Adds a user; null when the name is taken.</summary>
    public PanelUser? Add(string name, string passwordHash, Role role)
    {
        using var c = db.Open();
        try
        {
            Db.Execute(c, null, "INSERT INTO users (name, password_hash, role, created) VALUES (@n, @h, @r, @t)",
                ("@n", name), ("@h", passwordHash), ("@r", RoleText(role)), ("@t", Db.Now()));
        }
        catch (DbException) when (Find(name) is not null)
        {
            return null;
        }
        return Find(name);
    }

    public void SetPasswordHash(long id, string hash)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE users SET password_hash = @h WHERE id = @i", ("@h", hash), ("@i", id));
    }

    public static string RoleText(Role role) => role == Role.Admin ? "admin" : "owner";

    private static PanelUser Read(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3) == "admin" ? Role.Admin : Role.Owner, r.GetBoolean(4));
}
