namespace Xeno.Boot.Loaders;

/// <summary>Splits a config into the lines pygrub looks at: stripped, no blanks, no '#' comments.</summary>
internal static class ConfigLines
{
    public static IEnumerable<string> Meaningful(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = PyText.Strip(raw);
            if (line.Length == 0 || line[0] == '#') continue;
            yield return line;
        }
    }

    /// <summary>"/boot/grub/grub.cfg" → "/boot/grub".</summary>
    public static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path.Substring(0, slash);
    }

    /// <summary>A path inside the guest: absolute as is, relative against <paramref name="directory"/>.</summary>
    public static string Resolve(string directory, string path) =>
        path.StartsWith('/') ? path : (directory.EndsWith('/') ? directory : directory + "/") + path;
}
