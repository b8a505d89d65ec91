namespace Xeno.Boot.Conversion;

/// <summary>
/// /etc/fstab: a first field that names a partition of the first disk by a name that depends on
/// pv vs hvm (/dev/xvda1, /dev/sda1, /dev/hda1, /dev/vda1) becomes UUID=… when its UUID is known.
/// Names it cannot place (other disks, unknown UUIDs) are reported, not guessed.
/// </summary>
public static class FstabEditor
{
    public static string Retarget(string text, IReadOnlyDictionary<int, string> partitionUuids, List<string> notes)
    {
        var lines = GrubDefaultsEditor.SplitLines(text, out var trailing);
        for (int i = 0; i < lines.Count; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#') continue;
            int end = 0;
            while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end])) end++;
            var device = trimmed[..end];
            if (!DeviceNames.DependsOnType(device)) continue;
            if (DeviceNames.Portable(device, partitionUuids) is { } portable)
            {
                lines[i] = lines[i][..(lines[i].Length - trimmed.Length)] + portable + trimmed[end..];
            }
            else
            {
                notes.Add($"/etc/fstab: {device} is named differently under pv and hvm and its UUID is unknown; left as it is");
            }
        }
        return GrubDefaultsEditor.JoinLines(lines, trailing);
    }
}
