using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>An admin page's action: its message is shown as is; a failed one re-shows the form with it (422).</summary>
public sealed record AdminOutcome(bool Ok, string Message);

/// <summary>
/// What admins do to accounts on the admin pages: create, disable and enable, reset a password,
/// set the role, set or clear a quota; groups and their members; the administrators (users or
/// groups) of VMs. Each action validates its input (<see cref="AccountForm"/>), writes one
/// audit entry (ok or refused, with the message) and never takes the last enabled admin away.
/// A change that alters what a user may do (disable, role, password) ends that user's sessions,
/// so the next request signs in again with the new facts. The pages' folder policy admits admins only.
/// </summary>
public sealed class AccountAdmin(Users users, Sessions sessions, Quotas quotas, Groups groups, VmRecords vms, Passwords passwords, AuditLog audit)
{
    public AdminOutcome Create(PanelUser admin, string? name, string? password, string? role, string? remote)
    {
        const string action = "user.create";
        var n = (name ?? "").Trim();
        if (AccountForm.NameError("Name", n) is { } nameError)
            return Refuse(admin, action, n, remote, nameError);
        if (Passwords.Weakness(password) is { } weak)
            return Refuse(admin, action, n, remote, "Password: " + weak + ".");
        var (parsedRole, roleError) = AccountForm.ParseRole(role);
        if (parsedRole is not { } r)
            return Refuse(admin, action, n, remote, roleError!);
        if (users.Add(n, passwords.Hash(password!), r) is null)
            return Refuse(admin, action, n, remote, $"Name: a user called {n} already exists.");
        return Done(admin, action, n, remote, $"Created the {Users.RoleText(r)} {n}.");
    }

    public AdminOutcome SetDisabled(PanelUser admin, string? name, bool disabled, string? remote)
    {
        string action = disabled ? "user.disable" : "user.enable";
        if (FindUser(name) is not { } user)
            return NoUser(admin, action, name, remote);
        if (disabled && user.Id == admin.Id)
            return Refuse(admin, action, user.Name, remote, "You cannot disable your own account.");
        if (disabled && user.IsAdmin && !user.Disabled && users.EnabledAdmins() <= 1)
            return Refuse(admin, action, user.Name, remote, $"{user.Name} is the last enabled admin; make another admin first.");
        users.SetDisabled(user.Id, disabled);
        if (!disabled)
            return Done(admin, action, user.Name, remote, $"Enabled {user.Name}: they can log in again.");
        int ended = sessions.RevokeAll(user.Id);
        return Done(admin, action, user.Name, remote, $"Disabled {user.Name}: no login on the web or over SSH; {ended} open session(s) ended.");
    }

    public AdminOutcome ResetPassword(PanelUser admin, string? name, string? password, string? remote)
    {
        const string action = "user.password";
        if (FindUser(name) is not { } user)
            return NoUser(admin, action, name, remote);
        if (Passwords.Weakness(password) is { } weak)
            return Refuse(admin, action, user.Name, remote, "Password: " + weak + ".");
        users.SetPasswordHash(user.Id, passwords.Hash(password!));
        int ended = sessions.RevokeAll(user.Id);
        return Done(admin, action, user.Name, remote, $"Set a new password for {user.Name}; {ended} open session(s) ended.");
    }

    public AdminOutcome SetRole(PanelUser admin, string? name, string? role, string? remote)
    {
        const string action = "user.role";
        if (FindUser(name) is not { } user)
            return NoUser(admin, action, name, remote);
        var (parsed, error) = AccountForm.ParseRole(role);
        if (parsed is not { } r)
            return Refuse(admin, action, user.Name, remote, error!);
        if (r == user.Role)
            return Refuse(admin, action, user.Name, remote, $"Role: {user.Name} already is {Article(r)}.");
        if (r == Role.Owner && user.IsAdmin && !user.Disabled && users.EnabledAdmins() <= 1)
            return Refuse(admin, action, user.Name, remote, $"{user.Name} is the last enabled admin; make another admin first.");
        users.SetRole(user.Id, r);
        int ended = sessions.RevokeAll(user.Id);
        return Done(admin, action, user.Name, remote, $"{user.Name} is now {Article(r)}; {ended} open session(s) ended.");
    }

    public AdminOutcome SetQuota(PanelUser admin, string? name, string? maxVms, string? memory, string? vcpus, string? disk, string? remote)
    {
        const string action = "user.quota";
        if (FindUser(name) is not { } user)
            return NoUser(admin, action, name, remote);
        var (quota, error) = AccountForm.ParseQuota(maxVms, memory, vcpus, disk);
        if (quota is null)
            return Refuse(admin, action, user.Name, remote, error!);
        quotas.Set(user.Id, quota);
        // A quota below today's use is allowed (it stops growth); the message says so.
        var use = vms.UsageOf(user.Id);
        bool over = use.Vms > quota.MaxVms || use.MemoryMib > quota.MaxMemoryMib || use.Vcpus > quota.MaxVcpus || use.DiskGib > quota.MaxDiskGib;
        var note = !over ? "" : $" {user.Name} already uses more than that; nothing more can be created or grown until they are within it.";
        return Done(admin, action, user.Name, remote, $"Quota of {user.Name}: {quota.MaxVms} VMs, {quota.MaxMemoryMib} MiB, {quota.MaxVcpus} vCPUs, {quota.MaxDiskGib} GiB.{note}");
    }

    public AdminOutcome ClearQuota(PanelUser admin, string? name, string? remote)
    {
        const string action = "user.quota";
        if (FindUser(name) is not { } user)
            return NoUser(admin, action, name, remote);
        quotas.Clear(user.Id);
        return Done(admin, action, user.Name, remote, $"{user.Name} has the default quota again.");
    }

    public AdminOutcome CreateGroup(PanelUser admin, string? name, string? remote)
    {
        const string action = "group.create";
        var n = (name ?? "").Trim();
        if (AccountForm.NameError("Group", n) is { } error)
            return Refuse(admin, action, n, remote, error);
        return groups.Add(n) is null
            ? Refuse(admin, action, n, remote, $"Group: a group called {n} already exists.")
            : Done(admin, action, n, remote, $"Created the group {n}.");
    }

    public AdminOutcome RemoveGroup(PanelUser admin, string? name, string? remote)
    {
        const string action = "group.remove";
        if (FindGroup(name) is not { } group)
            return NoGroup(admin, action, name, remote);
        groups.Remove(group.Id);
        return Done(admin, action, group.Name, remote, $"Removed the group {group.Name}; its members lost what it administered.");
    }

    public AdminOutcome SetMember(PanelUser admin, string? groupName, string? userName, bool member, string? remote)
    {
        string action = member ? "group.member-add" : "group.member-remove";
        if (FindGroup(groupName) is not { } group)
            return NoGroup(admin, action, groupName, remote);
        if (FindUser(userName) is not { } user)
            return Refuse(admin, action, group.Name, remote, $"User: there is no user called {Shown((userName ?? "").Trim())}.");
        bool changed = member ? groups.AddMember(group.Id, user.Id) : groups.RemoveMember(group.Id, user.Id);
        if (!changed)
            return Refuse(admin, action, group.Name, remote, member ? $"User: {user.Name} already is in {group.Name}." : $"User: {user.Name} is not in {group.Name}.");
        return Done(admin, action, group.Name, remote, member ? $"Added {user.Name} to {group.Name}." : $"Removed {user.Name} from {group.Name}.");
    }

    /// <summary>Adds or removes a VM's administrator: <paramref name="kind"/> is "user" or "group", <paramref name="who"/> its name.</summary>
    public AdminOutcome SetVmAdministrator(PanelUser admin, string? vmName, string? kind, string? who, bool add, string? remote)
    {
        string action = add ? "vm.admin-add" : "vm.admin-remove";
        var vmText = (vmName ?? "").Trim();
        var vm = vms.VisibleTo(admin).FirstOrDefault(v => v.Name == vmText);
        if (vm is null)
            return Refuse(admin, action, vmText, remote, "VM: choose one of the VMs listed.");
        var name = (who ?? "").Trim();
        bool changed;
        string shown;
        switch ((kind ?? "").Trim())
        {
            case "user":
                var user = users.Find(name);
                if (user is null)
                    return Refuse(admin, action, vm.Name, remote, $"User: there is no user called {Shown(name)}.");
                if (add && user.Id == vm.OwnerId)
                    return Refuse(admin, action, vm.Name, remote, $"User: {user.Name} owns {vm.Name} already.");
                changed = add ? groups.AddUserAdministrator(vm.Id, user.Id) : groups.RemoveUserAdministrator(vm.Id, user.Id);
                shown = "user " + user.Name;
                break;
            case "group":
                var group = groups.Find(name);
                if (group is null)
                    return Refuse(admin, action, vm.Name, remote, $"Group: there is no group called {Shown(name)}.");
                changed = add ? groups.AddGroupAdministrator(vm.Id, group.Id) : groups.RemoveGroupAdministrator(vm.Id, group.Id);
                shown = "group " + group.Name;
                break;
            default:
                return Refuse(admin, action, vm.Name, remote, "Kind: choose user or group.");
        }
        if (!changed)
            return Refuse(admin, action, vm.Name, remote, add ? $"The {shown} already administers {vm.Name}." : $"The {shown} does not administer {vm.Name}.");
        return Done(admin, action, vm.Name, remote, add ? $"The {shown} now administers {vm.Name}." : $"The {shown} no longer administers {vm.Name}.");
    }

    private PanelUser? FindUser(string? name) => (name ?? "").Trim() is { Length: > 0 } n ? users.Find(n) : null;

    private PanelGroup? FindGroup(string? name) => (name ?? "").Trim() is { Length: > 0 } n ? groups.Find(n) : null;

    private AdminOutcome NoUser(PanelUser admin, string action, string? name, string? remote)
    {
        var n = (name ?? "").Trim();
        return Refuse(admin, action, n, remote, $"User: there is no user called {Shown(n)}.");
    }

    private AdminOutcome NoGroup(PanelUser admin, string action, string? name, string? remote)
    {
        var n = (name ?? "").Trim();
        return Refuse(admin, action, n, remote, $"Group: there is no group called {Shown(n)}.");
    }

    private static string Article(Role r) => r == Role.Admin ? "an admin" : "an owner";

    /// <summary>Typed text as it may be shown back: control characters replaced, cut at 64 characters.</summary>
    private static string Shown(string typed)
    {
        var clean = new string(typed.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return "\"" + (clean.Length > 64 ? clean[..64] + "…" : clean) + "\"";
    }

    private AdminOutcome Done(PanelUser admin, string action, string target, string? remote, string message)
    {
        audit.Write(admin.Name, action, target, remote, "ok", message);
        return new AdminOutcome(true, message);
    }

    private AdminOutcome Refuse(PanelUser admin, string action, string target, string? remote, string message)
    {
        audit.Write(admin.Name, action, target.Length == 0 ? null : target.Length > 64 ? target[..64] : target, remote, "refused", message);
        return new AdminOutcome(false, message);
    }
}
