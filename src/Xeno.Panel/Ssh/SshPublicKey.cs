using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Xeno.Panel.Ssh;

/// <summary>
/// One OpenSSH public key as an owner pastes it (an authorized_keys line without options:
/// "type base64 [comment]"), checked down to its wire blob: the blob names the same type, holds
/// exactly that type's fields, and an RSA modulus has at least 2048 bits. <see cref="Blob"/> is
/// re-encoded canonically, so one key has one spelling (the uniqueness and sshd's %k match on it).
/// </summary>
public sealed record SshPublicKey(string Type, string Blob, string Comment)
{
    public const int MaxLineLength = 16 * 1024;
    public const int MaxCommentLength = 200;

    /// <summary>The key types sshd 9 accepts by default (DSA is gone from OpenSSH).</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    /// <summary>ssh-keygen -l's form: SHA256: and the unpadded base64 of the blob's SHA-256.</summary>
    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(Blob))).TrimEnd('=');

    /// <summary>The key as sshd's authorized_keys wants it, without the comment.</summary>
    public string TypeAndBlob => Type + " " + Blob;

    /// <summary>A pasted key line: the key, or the reason it is refused (one sentence for the page).</summary>
    public static (SshPublicKey? Key, string? Error) Parse(string? line)
    {
        var text = (line ?? "").Trim();
        if (text.Length == 0)
            return (null, "Paste a public key: one line such as \"ssh-ed25519 AAAA… you@laptop\" (the .pub file).");
        if (text.Length > MaxLineLength)
            return (null, $"The key is longer than {MaxLineLength} characters.");
        if (text.Contains('\n') || text.Contains('\r'))
            return (null, "Paste one key at a time: the text holds more than one line.");
        var parts = text.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        string type = parts[0];
        if (!Types.Contains(type))
        {
            if (type.Contains('=') || type.Contains(','))
                return (null, "The line starts with authorized_keys options; paste only the key (type, key, comment): the panel sets the options itself.");
            if (type == "ssh-dss")
                return (null, "DSA keys are refused (OpenSSH no longer accepts them); make an ed25519 key with ssh-keygen -t ed25519.");
            if (type.StartsWith("-----BEGIN", StringComparison.Ordinal) || type == "----" || type.StartsWith("PuTTY", StringComparison.Ordinal))
                return (null, "That is not an OpenSSH public key line; paste the contents of the .pub file (never the private key).");
            return (null, $"Unknown key type \"{Printable(type, 40)}\"; use one of {string.Join(", ", Types)}.");
        }
        if (parts.Length < 2)
            return (null, $"The line has the type {type} but no key after it.");
        var blob = new byte[parts[1].Length];
        if (!Convert.TryFromBase64String(parts[1], blob, out int length))
            return (null, "The key part is not valid base64; copy the whole line from the .pub file.");
        blob = blob[..length];
        if (BlobError(type, blob) is { } error)
            return (null, error);
        string comment = parts.Length > 2 ? parts[2].Trim() : "";
        if (comment.Any(char.IsControl))
            return (null, "The comment holds control characters.");
        if (comment.Length > MaxCommentLength)
            return (null, $"The comment is longer than {MaxCommentLength} characters.");
        return (new SshPublicKey(type, Convert.ToBase64String(blob), comment), null);
    }

    /// <summary>sshd's %t and %k (type and base64 of the offered key), canonically; null when they are no key of ours.</summary>
    public static SshPublicKey? FromOffered(string type, string base64)
    {
        if (!Types.Contains(type) || base64.Length > MaxLineLength)
            return null;
        var blob = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, blob, out int length))
            return null;
        blob = blob[..length];
        return BlobError(type, blob) is null ? new SshPublicKey(type, Convert.ToBase64String(blob), "") : null;
    }

    private static string? BlobError(string type, byte[] blob)
    {
        var r = new BlobReader(blob);
        var inner = r.String();
        if (inner is null || !inner.AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetBytes(type)))
            return $"The key data does not hold a {type} key (its type field differs); the line was changed or cut.";
        int rsaBits = 0;
        bool ok = type switch
        {
            "ssh-ed25519" => r.String()?.Length == 32,
            "sk-ssh-ed25519@openssh.com" => r.String()?.Length == 32 && r.String() is { Length: > 0 },
            "ssh-rsa" => RsaOk(r, out rsaBits),
            "sk-ecdsa-sha2-nistp256@openssh.com" => EcdsaOk(r, "nistp256") && r.String() is { Length: > 0 },
            _ => EcdsaOk(r, type["ecdsa-sha2-".Length..]),
        };
        if (ok && type == "ssh-rsa" && rsaBits < 2048)
            return $"RSA keys need at least 2048 bits; this one has {rsaBits}. Make an ed25519 key with ssh-keygen -t ed25519.";
        if (!ok || !r.AtEnd)
            return $"The key data is not a well-formed {type} key; the line was changed or cut.";
        return null;
    }

    private static bool RsaOk(BlobReader r, out int bits)
    {
        bits = 0;
        var e = r.String();
        var n = r.String();
        if (e is null || n is null || e.Length == 0 || n.Length == 0 || e.Length > 8 || n.Length > 2049)
            return false;
        // mpint: big-endian two's complement; a leading zero byte keeps it positive.
        var modulus = new BigInteger(n, isUnsigned: false, isBigEndian: true);
        if (modulus.Sign <= 0)
            return false;
        bits = (int)modulus.GetBitLength();
        return true;
    }

    private static bool EcdsaOk(BlobReader r, string curve)
    {
        var name = r.String();
        var point = r.String();
        int coordinate = curve switch { "nistp256" => 32, "nistp384" => 48, "nistp521" => 66, _ => -1 };
        return name is not null && name.AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetBytes(curve))
            && point is not null && point.Length == 1 + 2 * coordinate && point[0] == 4;
    }

    private static string Printable(string s, int max) =>
        new(s.Take(max).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>The SSH wire format's length-prefixed strings.</summary>
    private sealed class BlobReader(byte[] blob)
    {
        private int _at;

        public bool AtEnd => _at == blob.Length;

        public byte[]? String()
        {
            if (blob.Length - _at < 4)
                return null;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(_at));
            if (length > (uint)(blob.Length - _at - 4))
                return null;
            var value = blob.AsSpan(_at + 4, (int)length).ToArray();
            _at += 4 + (int)length;
            return value;
        }
    }
}
