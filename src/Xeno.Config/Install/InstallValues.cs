using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Xeno.Config.Install;

/// <summary>The boot type of a guest the autoinstaller makes.</summary>
public enum InstallGuestType { Pv, Hvm }

/// <summary>
/// Checks of the autoinstaller's inputs (xl guest-install), pure: each returns why a value
/// cannot be used, or null, so a bad request is refused before anything is made.
/// </summary>
public static partial class InstallValues
{
    /// <summary>An MBR partition holds at most 2^32 - 1 sectors; the base image's partition starts at 1 MiB.</summary>
    public const long MaxDiskBytes = 2L << 40;

    /// <summary>
    /// Why <paramref name="hostname"/> cannot be the guest's host name (RFC 1123: dot-separated
    /// labels of lower-case letters, digits and '-', 1 to 63 characters, not starting or ending
    /// with '-'; at most 253 in all), or null.
    /// </summary>
    public static string? HostnameProblem(string hostname)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        if (hostname.Length == 0) return "the host name is empty";
        if (hostname.Length > 253) return $"the host name is {hostname.Length} characters long; at most 253";
        if (hostname.Any(char.IsAsciiLetterUpper))
            return $"host name '{Shown(hostname)}' has upper-case letters: write it in lower case";
        foreach (var label in hostname.Split('.'))
        {
            if (label.Length == 0) return $"host name '{Shown(hostname)}' has an empty label (a leading, trailing or doubled '.')";
            if (label.Length > 63) return $"host name '{Shown(hostname)}' has a label of {label.Length} characters; at most 63";
            if (!HostLabel().IsMatch(label))
                return $"host name '{Shown(hostname)}' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'";
        }
        return null;
    }

    /// <summary>
    /// Parses a disk size: a whole number with a unit, K, M, G or T (powers of 1024; "GiB" and
    /// "G" alike). Plain numbers are refused: bytes and MiB are both common readings.
    /// </summary>
    public static string? ParseSize(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var m = SizeText().Match(text);
        if (!m.Success)
            return $"size '{Shown(text)}' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)";
        int shift = char.ToUpperInvariant(m.Groups[2].Value[0]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 40 };
        if (!long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > (MaxDiskBytes >> shift))
            return $"size '{Shown(text)}' is larger than {MaxDiskBytes >> 40} TiB, the most an MBR partition can hold";
        bytes = n << shift;
        if (bytes == 0) return "size 0 is no disk";
        if (bytes % (1 << 20) != 0) return $"size '{Shown(text)}' is not a whole number of MiB";
        return null;
    }

    /// <summary>
    /// The authorized_keys text of an SSH key file: its OpenSSH public key lines (type, base64,
    /// optional comment); blank lines and '#' comments are dropped, anything else is refused
    /// (a private key given by mistake, options this command does not pass on).
    /// </summary>
    public static string? AuthorizedKeys(string fileText, out string keys)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        var lines = new StringBuilder();
        int number = 0;
        keys = "";
        foreach (var raw in fileText.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.Contains("PRIVATE KEY", StringComparison.Ordinal))
                return "it holds a private key: give the public key (the .pub file)";
            if (!PublicKeyLine().IsMatch(line))
                return $"line {number} is not an OpenSSH public key (ssh-ed25519 AAAA... comment)";
            lines.Append(line).Append('\n');
        }
        if (lines.Length == 0) return "it holds no public key line";
        keys = lines.ToString();
        return null;
    }

    /// <summary>The root password of a password file: its first line (as chpasswd-style files give it); refused when empty or holding a NUL.</summary>
    public static string? RootPassword(byte[] fileBytes, out string password)
    {
        ArgumentNullException.ThrowIfNull(fileBytes);
        password = "";
        int end = Array.IndexOf(fileBytes, (byte)'\n');
        var first = end < 0 ? fileBytes : fileBytes[..end];
        if (first.Length > 0 && first[^1] == '\r') first = first[..^1];
        if (first.Length == 0) return "its first line (the password) is empty";
        if (Array.IndexOf(first, (byte)0) >= 0) return "the password holds a NUL byte";
        try
        {
            password = new UTF8Encoding(false, true).GetString(first);
        }
        catch (DecoderFallbackException)
        {
            return "the password is not valid UTF-8";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot name an installed guest: a domain name (<see cref="Domain.DomainName"/>)
    /// that is also a plain file name and xl.cfg string (letters, digits, '_', '.', '-'; it names the disk and config files).
    /// </summary>
    public static string? GuestNameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Domain.DomainName.Problem(name) is { } problem) return problem;
        if (!GuestName().IsMatch(name))
            return $"guest name '{Shown(name)}' may hold only letters, digits, '_', '.' and '-' (at most 64, starting with a letter or digit): it names files";
        return null;
    }

    /// <summary>Why <paramref name="path"/> cannot be written in an xl.cfg string, or null.</summary>
    public static string? ConfigStringProblem(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return $"{what} is empty";
        if (path.IndexOfAny(['"', '\'', '\\', '\n', '\r', '\0']) >= 0)
            return $"{what} '{Shown(path)}' cannot be written in an xl.cfg string (it holds a quote, backslash, newline or NUL)";
        return null;
    }

    private static string Shown(string s) => Text.Utf16Text.Shown(s.Length > 80 ? s[..80] + "..." : s);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex HostLabel();

    [GeneratedRegex("^([0-9]{1,19})([KMGT])(iB)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeText();

    [GeneratedRegex(@"^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,2}( [^\x00-\x1f]*)?$")]
    private static partial Regex PublicKeyLine();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex GuestName();
}
