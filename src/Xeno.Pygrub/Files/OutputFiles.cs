namespace Xeno.Pygrub.Files;

/// <summary>
/// Creates pygrub's temporary output files: "boot_kernel.XXXXXXXX" / "boot_ramdisk.XXXXXXXX"
/// (8 characters of [a-z0-9_], as Python's mkstemp), created exclusively with mode 0600 and
/// only ever directly inside the output directory.
/// </summary>
internal sealed class OutputFiles(string directory, Func<int, int> nextRandom)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
    private readonly string _directory = Path.GetFullPath(directory);

    private string RandomName()
    {
        Span<char> name = stackalloc char[8];
        foreach (ref char c in name)
        {
            c = Alphabet[nextRandom(Alphabet.Length)];
        }
        return new string(name);
    }

    public (string Path, FileStream Stream) Create(string prefix)
    {
        for (int attempt = 0; ; attempt++)
        {
            var name = prefix + RandomName();
            var path = Path.Join(_directory, name);
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    // Unbuffered: the kernel or 1 MiB chunks write the data (see Xeno.Boot FileCopy).
                    BufferSize = 0,
                };
                return (path, new FileStream(path, options));
            }
            catch (IOException) when (File.Exists(path) && attempt < 100)
            {
                // Name taken: draw another, as mkstemp does.
            }
        }
    }
}
