using System.Security.Cryptography;

namespace Xeno.Panel.Data;

/// <summary>
/// Server-side sessions: the cookie only names one, so logging out (revoking the row) ends it
/// even for a copy of the cookie kept elsewhere.
/// </summary>
public sealed class Sessions(PanelDatabase db)
{
    public string Start(long userId)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var c = db.Open();
        Db.Execute(c, null, "INSERT INTO sessions (id, user_id, created) VALUES (@i, @u, @t)",
            ("@i", id), ("@u", userId), ("@t", Db.Now()));
        return id;
    }

    public bool IsLive(string id, long userId)
    {
        using var c = db.Open();
        return Convert.ToInt64(Db.Scalar(c, null, "SELECT COUNT(*) FROM sessions WHERE id = @i AND user_id = @u AND revoked IS NULL",
            ("@i", id), ("@u", userId))) == 1;
    }

    /// <summary>Ends every live session of a user (disabled, role changed, password reset: the next request signs in again).</summary>
    public int RevokeAll(long userId)
    {
        using var c = db.Open();
        return Db.Execute(c, null, "UPDATE sessions SET revoked = @t WHERE user_id = @u AND revoked IS NULL", ("@t", Db.Now()), ("@u", userId));
    }

    public void Revoke(string id)
    {
        using var c = db.Open();
        Db.Execute(c, null, "UPDATE sessions SET revoked = @t WHERE id = @i AND revoked IS NULL", ("@t", Db.Now()), ("@i", id));
    }
}
