using System.Data.Common;
using Xeno.Panel.Data;

namespace Xeno.Panel.Ssh;

/// <summary>A stored key with its owner's name (for the admins' view and the menu's greeting).</summary>
public sealed record StoredSshKey(long Id, long UserId, string UserName, string Type, string Blob, string Fingerprint, string Comment, string Created);

/// <summary>The ssh_keys table: owners' public keys, the panel being the one source of who may log in to the SSH menu.</summary>
public sealed class SshKeys(PanelDatabase db)
{
    /// <summary>Keys one user may keep (a bound on what a page can make the sshd lookup wade through).</summary>
    public const int MaxPerUser = 32;

    private const string Select = """
        SELECT k.id, k.user_id, u.name, k.key_type, k.key_blob, k.fingerprint, k.comment, k.created
        FROM ssh_keys k JOIN users u ON u.id = k.user_id
        """;

    public IReadOnlyList<StoredSshKey> Of(long userId)
    {
        using var c = db.Open();
        return Db.Query(c, Select + " WHERE k.user_id = @u ORDER BY k.id", Read, ("@u", userId));
    }

    public IReadOnlyList<StoredSshKey> All()
    {
        using var c = db.Open();
        return Db.Query(c, Select + " ORDER BY u.name, k.id", Read);
    }

    public StoredSshKey? Get(long id)
    {
        using var c = db.Open();
        return Db.Query(c, Select + " WHERE k.id = @i", Read, ("@i", id)).FirstOrDefault();
    }

    /// <summary>The stored key with exactly this type and blob (what sshd offers), if any.</summary>
    public StoredSshKey? Find(SshPublicKey key)
    {
        using var c = db.Open();
        return Db.Query(c, Select + " WHERE k.key_blob = @b AND k.key_type = @t", Read, ("@b", key.Blob), ("@t", key.Type)).FirstOrDefault();
    }

    /// <summary>The key sshd may let in: <see cref="Find"/>, unless its user's account is disabled.</summary>
    public StoredSshKey? FindForLogin(SshPublicKey key)
    {
        using var c = db.Open();
        return Db.Query(c, Select + " WHERE k.key_blob = @b AND k.key_type = @t AND NOT u.disabled", Read, ("@b", key.Blob), ("@t", key.Type)).FirstOrDefault();
    }

    /// <summary>Adds a key for a user; null and the reason when it cannot be.</summary>
    public (StoredSshKey? Key, string? Error) Add(long userId, SshPublicKey key)
    {
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        if (Convert.ToInt64(Db.Scalar(c, tx, "SELECT COUNT(*) FROM ssh_keys WHERE user_id = @u", ("@u", userId))) >= MaxPerUser)
            return (null, $"You have {MaxPerUser} keys already; remove one first.");
        // One key, one user: otherwise the key could not say who is logging in.
        if (Convert.ToInt64(Db.Scalar(c, tx, "SELECT COUNT(*) FROM ssh_keys WHERE key_blob = @b", ("@b", key.Blob))) > 0)
            return (null, "This key is registered already.");
        Db.Execute(c, tx, "INSERT INTO ssh_keys (user_id, key_type, key_blob, fingerprint, comment, created) VALUES (@u, @t, @b, @f, @c, @at)",
            ("@u", userId), ("@t", key.Type), ("@b", key.Blob), ("@f", key.Fingerprint), ("@c", key.Comment), ("@at", Db.Now()));
        tx.Commit();
        return (Find(key), null);
    }

    public bool Remove(long id)
    {
        using var c = db.Open();
        return Db.Execute(c, null, "DELETE FROM ssh_keys WHERE id = @i", ("@i", id)) == 1;
    }

    private static StoredSshKey Read(DbDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3),
        r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7));
}
