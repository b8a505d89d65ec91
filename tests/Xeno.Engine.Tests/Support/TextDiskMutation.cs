namespace Xeno.Engine.Tests.Support;

/// <summary>
/// Damage for the randomized tests of the helper guests' text disks (install parameters,
/// conversion plans): one to three bytes changed, inserted or removed within the text, or the
/// disk cut short there, with <paramref name="specials"/> and path pieces favoured.
/// </summary>
internal static class TextDiskMutation
{
    public static void Apply(List<byte> disk, int textLength, Random r, string specials)
    {
        for (int m = r.Next(1, 4); m > 0; m--)
        {
            if (disk.Count == 0) break;
            int at = r.Next(Math.Min(textLength, disk.Count));
            byte b = r.Next(4) switch
            {
                0 => (byte)specials[r.Next(specials.Length)],
                1 => (byte)"../etc/passwd"[r.Next(13)],
                _ => (byte)r.Next(256),
            };
            switch (r.Next(4))
            {
                case 0: disk[at] = b; break;
                case 1: disk.Insert(at, b); break;
                case 2: disk.RemoveAt(at); break;
                default: disk.RemoveRange(at, disk.Count - at); break; // truncated
            }
        }
    }
}
