using Microsoft.AspNetCore.Identity;
using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>
/// Password hashes: ASP.NET Core Identity's PBKDF2 format (HMAC-SHA512, 100 000 iterations,
/// salted, versioned so a stronger setting can be rolled out by rehashing at login).
/// </summary>
public sealed class Passwords
{
    public const int MinLength = 10;
    private readonly PasswordHasher<PanelUser> _hasher = new();
    private readonly string _dummy;

    public Passwords() => _dummy = Hash("an unknown user's password");

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>Whether the password matches; also true-but-rehash for an older hash format.</summary>
    public (bool Ok, bool Rehash) Verify(string hash, string password)
    {
        var r = _hasher.VerifyHashedPassword(null!, hash, password);
        return (r != PasswordVerificationResult.Failed, r == PasswordVerificationResult.SuccessRehashNeeded);
    }

    /// <summary>Spends the same time as a real check, so timing does not tell which names exist.</summary>
    public void VerifyNobody(string password) => _hasher.VerifyHashedPassword(null!, _dummy, password);

    /// <summary>Null when the password is acceptable, else why not.</summary>
    public static string? Weakness(string? password) =>
        password is null || password.Length < MinLength ? $"the password must have at least {MinLength} characters" : null;
}
