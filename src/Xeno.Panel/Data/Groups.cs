using System.Data.Common;

namespace Xeno.Panel.Data;

/// <summary>A group of users, which can be named as a VM's administrator (as XVM's lists could).</summary>
public sealed record PanelGroup(long Id, string Name, IReadOnlyList<string> Members);

/// <summary>A VM's administrators: users and groups, by name.</summary>
public sealed record VmAdministrators(PanelVm Vm, IReadOnlyList<string> Users, IReadOnlyList<string> Groups);

/// <summary>The groups, group_members, vm_administrators and vm_group_administrators tables (the admin pages).</summary>
public sealed class Groups(PanelDatabase db)
{
    public IReadOnlyList<PanelGroup> All()
    {
        using var c = db.Open();
        var members = Db.Query(c, "SELECT m.group_id, u.name FROM group_members m JOIN users u ON u.id = m.user_id ORDER BY u.name",
            r => (Group: r.GetInt64(0), User: r.GetString(1))).ToLookup(m => m.Group, m => m.User);
        return Db.Query(c, "SELECT id, name FROM groups ORDER BY name", r => (Id: r.GetInt64(0), Name: r.GetString(1)))
            .Select(g => new PanelGroup(g.Id, g.Name, [.. members[g.Id]])).ToList();
    }

    public PanelGroup? Find(string name) => All().FirstOrDefault(g => g.Name == name);

    /// <summary>Adds a group; null when the name is taken.</summary>
    public PanelGroup? Add(string name)
    {
        using (var c = db.Open())
        {
            try
            {
                Db.Execute(c, null, "INSERT INTO groups (name, created) VALUES (@n, @t)", ("@n", name), ("@t", Db.Now()));
            }
            catch (DbException) when (Find(name) is not null)
            {
                return null;
            }
        }
        return Find(name);
    }

    /// <summary>Removes a group, its memberships and the VMs' references to it.</summary>
    public void Remove(long id)
    {
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        // ON DELETE CASCADE needs foreign keys on in SQLite; deleting the rows explicitly works in both.
        Db.Execute(c, tx, "DELETE FROM vm_group_administrators WHERE group_id = @g", ("@g", id));
        Db.Execute(c, tx, "DELETE FROM group_members WHERE group_id = @g", ("@g", id));
        Db.Execute(c, tx, "DELETE FROM groups WHERE id = @g", ("@g", id));
        tx.Commit();
    }

    /// <summary>False when the user already is a member.</summary>
    public bool AddMember(long groupId, long userId) =>
        Insert("INSERT INTO group_members (group_id, user_id) VALUES (@a, @b) ON CONFLICT DO NOTHING", groupId, userId);

    /// <summary>False when the user was not a member.</summary>
    public bool RemoveMember(long groupId, long userId) =>
        Delete("DELETE FROM group_members WHERE group_id = @a AND user_id = @b", groupId, userId);

    public IReadOnlyList<VmAdministrators> AdministratorsOfEveryVm(VmRecords vms)
    {
        var all = vms.VisibleTo(new PanelUser(0, "", "", Role.Admin));
        using var c = db.Open();
        var users = Db.Query(c, "SELECT a.vm_id, u.name FROM vm_administrators a JOIN users u ON u.id = a.user_id ORDER BY u.name",
            r => (Vm: r.GetInt64(0), Name: r.GetString(1))).ToLookup(a => a.Vm, a => a.Name);
        var groups = Db.Query(c, "SELECT a.vm_id, g.name FROM vm_group_administrators a JOIN groups g ON g.id = a.group_id ORDER BY g.name",
            r => (Vm: r.GetInt64(0), Name: r.GetString(1))).ToLookup(a => a.Vm, a => a.Name);
        return all.Select(v => new VmAdministrators(v, [.. users[v.Id]], [.. groups[v.Id]])).ToList();
    }

    public bool AddUserAdministrator(long vmId, long userId) =>
        Insert("INSERT INTO vm_administrators (vm_id, user_id) VALUES (@a, @b) ON CONFLICT DO NOTHING", vmId, userId);

    public bool RemoveUserAdministrator(long vmId, long userId) =>
        Delete("DELETE FROM vm_administrators WHERE vm_id = @a AND user_id = @b", vmId, userId);

    public bool AddGroupAdministrator(long vmId, long groupId) =>
        Insert("INSERT INTO vm_group_administrators (vm_id, group_id) VALUES (@a, @b) ON CONFLICT DO NOTHING", vmId, groupId);

    public bool RemoveGroupAdministrator(long vmId, long groupId) =>
        Delete("DELETE FROM vm_group_administrators WHERE vm_id = @a AND group_id = @b", vmId, groupId);

    private bool Insert(string sql, long a, long b)
    {
        using var c = db.Open();
        return Db.Execute(c, null, sql, ("@a", a), ("@b", b)) == 1;
    }

    private bool Delete(string sql, long a, long b)
    {
        using var c = db.Open();
        return Db.Execute(c, null, sql, ("@a", a), ("@b", b)) > 0;
    }
}
