using System.Text;

namespace Xeno.Boot.Loaders;

/// <summary>
/// Finds and parses the boot config of one guest filesystem, in pygrub's search order:
/// grub2 grub.cfg, then extlinux/isolinux, then grub legacy menu.lst/grub.conf; after those
/// (our addition) Boot Loader Specification entries alone.
/// </summary>
public static class BootConfigReader
{
    /// <summary>pygrub reads at most this much of a config file.</summary>
    public const int MaxConfigBytes = 1024 * 1024;
    private const int MaxSmallFileBytes = 64 * 1024;
    private const int MaxBlsEntries = 1024;

    public static readonly IReadOnlyList<(string Path, ConfigKind Kind)> SearchOrder =
    [
        ("/boot/grub/grub.cfg", ConfigKind.Grub2),
        ("/grub/grub.cfg", ConfigKind.Grub2),
        ("/boot/grub2/grub.cfg", ConfigKind.Grub2),
        ("/grub2/grub.cfg", ConfigKind.Grub2),
        ("/boot/isolinux/isolinux.cfg", ConfigKind.ExtLinux),
        ("/boot/extlinux/extlinux.conf", ConfigKind.ExtLinux),
        ("/boot/extlinux.conf", ConfigKind.ExtLinux),
        ("/extlinux/extlinux.conf", ConfigKind.ExtLinux),
        ("/extlinux.conf", ConfigKind.ExtLinux),
        ("/boot/grub/menu.lst", ConfigKind.GrubLegacy),
        ("/boot/grub/grub.conf", ConfigKind.GrubLegacy),
        ("/grub/menu.lst", ConfigKind.GrubLegacy),
        ("/grub/grub.conf", ConfigKind.GrubLegacy),
    ];

    private static readonly string[] BlsDirectories = ["/boot/loader/entries", "/loader/entries"];

    public const string NotFoundMessage = "couldn't find bootloader config file in the image provided.";

    /// <summary>The config pygrub would use, or null when there is none.</summary>
    public static (string Path, ConfigKind Kind)? Locate(IGuestFileSystem fs)
    {
        // Indexed, not foreach: enumerating an array of tuples through the interface is jitted at every start.
        for (int i = 0; i < SearchOrder.Count; i++)
            if (fs.FileExists(SearchOrder[i].Path)) return SearchOrder[i];
        foreach (var dir in BlsDirectories)
            if (fs.DirectoryExists(dir) && fs.ListDirectory(dir).Any(n => n.EndsWith(".conf", StringComparison.Ordinal)))
                return (dir, ConfigKind.Bls);
        return null;
    }

    /// <summary>Locates and parses the config; <see cref="BootException"/> when there is none or it is unusable.</summary>
    public static BootMenu Read(IGuestFileSystem fs)
    {
        var found = Locate(fs) ?? throw new BootException(NotFoundMessage);
        return Read(fs, found.Path, found.Kind);
    }

    public static BootMenu Read(IGuestFileSystem fs, string path, ConfigKind kind)
    {
        string? ReadSmall(string p) => fs.FileExists(p) ? Decode(ReadPrefix(fs, p, MaxSmallFileBytes)) : null;
        if (kind == ConfigKind.Bls)
        {
            var env = LoadGrubEnv(ReadSmall);
            var entries = LoadBls(fs, path, env);
            return new BootMenu(ConfigKind.Bls, path, entries, 0, null, "-1", []);
        }
        var text = Decode(ReadPrefix(fs, path, MaxConfigBytes));
        return Parse(text, path, kind, ReadSmall, env => LoadBlsAnywhere(fs, env));
    }

    /// <summary>Parses config text of a known kind (also used for --isconfig).</summary>
    public static BootMenu Parse(string text, string path, ConfigKind kind, Func<string, string?>? readGuestFile = null,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyList<BootEntry>>? blsEntries = null) => kind switch
    {
        ConfigKind.Grub2 => Grub2Parser.Parse(text, path, readGuestFile, blsEntries),
        ConfigKind.ExtLinux => ExtLinuxParser.Parse(text, path),
        ConfigKind.GrubLegacy => GrubLegacyParser.Parse(text, path, readGuestFile),
        _ => throw new BootException($"{path}: BLS entries are a directory, not a config file"),
    };

    /// <summary>Config bytes as text. pygrub fails on invalid UTF-8; we keep going with U+FFFD.</summary>
    public static string Decode(byte[] bytes) => new UTF8Encoding(false, false).GetString(bytes);

    private static IReadOnlyDictionary<string, string> LoadGrubEnv(Func<string, string?> read)
    {
        foreach (var p in new[] { "/boot/grub2/grubenv", "/boot/grub/grubenv", "/grub2/grubenv", "/grub/grubenv" })
        {
            var text = read(p);
            if (text is not null) return GrubEnvironment.Parse(text);
        }
        return new Dictionary<string, string>();
    }

    private static IReadOnlyList<BootEntry> LoadBlsAnywhere(IGuestFileSystem fs, IReadOnlyDictionary<string, string> env)
    {
        foreach (var dir in BlsDirectories)
            if (fs.DirectoryExists(dir)) return LoadBls(fs, dir, env);
        return [];
    }

    private static IReadOnlyList<BootEntry> LoadBls(IGuestFileSystem fs, string dir, IReadOnlyDictionary<string, string> env)
    {
        var names = fs.ListDirectory(dir).Where(n => n.EndsWith(".conf", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(MaxBlsEntries);
        var files = new List<BlsParser.EntryFile>();
        foreach (var name in names)
        {
            var p = dir + "/" + name;
            if (fs.FileExists(p)) files.Add(new(name, Decode(ReadPrefix(fs, p, MaxSmallFileBytes))));
        }
        return BlsParser.Parse(files, env);
    }

    internal static byte[] ReadPrefix(IGuestFileSystem fs, string path, int max)
    {
        using var stream = fs.OpenFile(path);
        var buffer = new byte[(int)Math.Min(max, Math.Max(0, stream.Length))];
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }
}
