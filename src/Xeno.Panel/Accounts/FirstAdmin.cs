using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>`xeno-panel create-admin NAME` and `create-owner NAME`: add an account from the command line (the first admin, or more).</summary>
public static class FirstAdmin
{
    /// <summary>Answers the process exit code; messages go to <paramref name="err"/>.</summary>
    public static int Create(PanelDatabase db, string name, string? password, TextWriter output, TextWriter err, Role role = Role.Admin)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > 64 || name.Any(char.IsControl) || name.Any(char.IsWhiteSpace))
        {
            err.WriteLine("xeno-panel: the user name must be 1 to 64 characters without blanks or control characters");
            return 1;
        }
        if (Passwords.Weakness(password) is { } weak)
        {
            err.WriteLine($"xeno-panel: {weak}");
            return 1;
        }
        db.Migrate();
        var users = new Users(db);
        if (users.Add(name, new Passwords().Hash(password!), role) is null)
        {
            err.WriteLine($"xeno-panel: a user called {name} already exists");
            return 1;
        }
        new AuditLog(db).Write(null, "user.create-" + Users.RoleText(role), name, "command line", "ok");
        output.WriteLine($"created {Users.RoleText(role)} {name} in the {db.Description}");
        return 0;
    }
}
