using System.Text;

namespace Xeno.GuestDisks.Rescue;

/// <summary>How one path the helper reported ended up.</summary>
public enum ResultEntryKind
{
    File,
    Link,
    Absent,
}

/// <param name="Text">The file's text, or the link's target; null when absent.</param>
public sealed record ResultEntry(ResultEntryKind Kind, string? Text);

/// <summary>What the helper reported on its result disk: the backup folder it made on the guest's disk and every path it touched, as it is now.</summary>
public sealed record ConvertResult(string Backup, IReadOnlyDictionary<string, ResultEntry> Paths);

/// <summary>The result disk does not hold a well-formed report.</summary>
public sealed class ConvertResultException(string message) : Exception(message);

/// <summary>
/// Reads the result disk the helper's /sbin/xeno-convert writes (scripts/guest-kit/convert): the
/// line "xeno-convert-result 1", "backup PATH", then for each path "file PATH DATA" (DATA "-" for
/// an empty file), "link PATH TARGET" or "absent PATH", then "end"; every field base64, NULs after.
/// The helper is a guest that handled the guest's files: its report is untrusted and checked strictly.
/// </summary>
public static class ConvertResultDisk
{
    public const string Header = "xeno-convert-result 1";

    private static readonly UTF8Encoding Utf8 = new(false, false);

    public static ConvertResult Parse(ReadOnlySpan<byte> disk)
    {
        int end = disk.IndexOf((byte)0);
        var text = Utf8.GetString(end < 0 ? disk : disk[..end]);
        var lines = text.Split('\n');
        if (lines[0] != Header) throw new ConvertResultException($"the result disk does not start with '{Header}' (the helper wrote no result)");
        string? backup = null;
        var paths = new Dictionary<string, ResultEntry>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line == "end")
            {
                if (backup is null) throw new ConvertResultException("the result names no backup folder");
                return new ConvertResult(backup, paths);
            }
            var words = line.Split(' ');
            string Field(int k) => Decode(words[k], i + 1);
            switch (words[0], words.Length)
            {
                case ("backup", 2) when backup is null:
                    backup = GuestPath(Field(1), i + 1);
                    break;
                case ("file", 3):
                    Add(paths, GuestPath(Field(1), i + 1), new ResultEntry(ResultEntryKind.File, words[2] == "-" ? "" : Field(2)), i + 1);
                    break;
                case ("link", 3):
                    Add(paths, GuestPath(Field(1), i + 1), new ResultEntry(ResultEntryKind.Link, Field(2)), i + 1);
                    break;
                case ("absent", 2):
                    Add(paths, GuestPath(Field(1), i + 1), new ResultEntry(ResultEntryKind.Absent, null), i + 1);
                    break;
                default:
                    throw new ConvertResultException($"result line {i + 1} is not a report line");
            }
        }
        throw new ConvertResultException("the result has no 'end' line (truncated)");
    }

    private static void Add(Dictionary<string, ResultEntry> paths, string path, ResultEntry entry, int line)
    {
        if (!paths.TryAdd(path, entry)) throw new ConvertResultException($"result line {line}: {path} reported twice");
    }

    private static string Decode(string field, int line)
    {
        try
        {
            if (field.Length == 0) throw new FormatException();
            return Utf8.GetString(Convert.FromBase64String(field));
        }
        catch (FormatException)
        {
            throw new ConvertResultException($"result line {line}: a field is not base64");
        }
    }

    private static string GuestPath(string path, int line)
    {
        if (!path.StartsWith('/') || path.Contains('\0') || path.Contains('\n') || path.Split('/').Any(p => p is "." or ".."))
            throw new ConvertResultException($"result line {line}: not an absolute guest path");
        return path;
    }
}
