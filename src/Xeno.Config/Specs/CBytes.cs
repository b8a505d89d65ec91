using System.Text;

namespace Xeno.Config.Specs;

/// <summary>
/// Xen's parsers work on UTF-8 bytes, not characters: flex's "one character" is one byte.
/// Parsers that count characters run on a string holding one char per byte (Latin-1 view)
/// and convert back at the end; a split multi-byte sequence comes back as U+FFFD.
/// </summary>
internal static class CBytes
{
    public static string ToByteChars(string s) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(s));

    public static string FromByteChars(string s) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(s));

    public static string? FromByteCharsOrNull(string? s) => s == null ? null : FromByteChars(s);
}
