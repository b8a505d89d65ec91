using System.Globalization;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Accounts;

/// <summary>
/// Reads the admin pages' forms (untrusted text): each answers the parsed value or one message
/// naming the field and what is wrong. Never throws on any input.
/// </summary>
public static class AccountForm
{
    /// <summary>Most VMs a quota may allow (a bound, so a typo cannot make a quota that never binds by accident of overflow).</summary>
    public const int MaxVmsQuota = 10000;

    /// <summary>A user or group name: 1 to 64 characters without blanks or control characters (as create-admin takes).</summary>
    public static string? NameError(string field, string? name)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0)
            return $"{field}: give a name.";
        return name.Length > 64 || name.Any(char.IsControl) || name.Any(char.IsWhiteSpace)
            ? $"{field}: use 1 to 64 characters without blanks or control characters."
            : null;
    }

    public static (Role? Role, string? Error) ParseRole(string? role) => (role ?? "").Trim() switch
    {
        "admin" => (Role.Admin, null),
        "owner" => (Role.Owner, null),
        _ => (null, "Role: choose admin or owner."),
    };

    /// <summary>A quota's four limits; 0 is allowed (nothing more may be created or grown).</summary>
    public static (Quota? Quota, string? Error) ParseQuota(string? vms, string? memory, string? vcpus, string? disk)
    {
        var fields = new (string Field, string? Text, int Max)[]
        {
            ("VMs", vms, MaxVmsQuota),
            ("Memory (MiB)", memory, VmCreateForm.MaxMemoryMib * 16),
            ("vCPUs", vcpus, VmCreateForm.MaxVcpus * 64),
            ("Disk (GiB)", disk, VmCreateForm.MaxDiskGib * 64),
        };
        var values = new int[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            var (field, text, max) = fields[i];
            text = (text ?? "").Trim();
            if (text.Length == 0)
                return (null, $"{field}: give a number.");
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] > max)
                return (null, $"{field}: give a whole number from 0 to {max}.");
        }
        return (new Quota(values[0], values[1], values[2], values[3]), null);
    }
}
