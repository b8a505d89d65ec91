namespace Xeno.Boot.Tests.Disk;

/// <summary>Compares a filesystem read by Xeno.Boot with the host folder it was built from, byte for byte.</summary>
internal static class TreeAssert
{
    /// <summary>Every directory lists the same names and every regular file has the same bytes; returns how many files were compared.</summary>
    public static int SameAsSource(IGuestFileSystem fs, string source, StringComparer names)
    {
        int files = 0;
        Walk(fs, source, "/", names, ref files);
        return files;
    }

    public static byte[] ReadAll(IGuestFileSystem fs, string path)
    {
        using var stream = fs.OpenFile(path);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        Assert.Equal(0, stream.Read(new byte[1]));
        return bytes;
    }

    private static void Walk(IGuestFileSystem fs, string hostDir, string guestDir, StringComparer names, ref int files)
    {
        var hostEntries = Directory.GetFileSystemEntries(hostDir).Select(Path.GetFileName).Order(names).ToList();
        // mke2fs adds lost+found, and ISO deep-directory relocation a visible RR_MOVED, which the source folder does not have.
        var guestEntries = fs.ListDirectory(guestDir)
            .Where(n => !(guestDir == "/" && ((n == "lost+found" && fs.Kind.StartsWith("ext", StringComparison.Ordinal)) || (n == "RR_MOVED" && fs.Kind == "iso9660"))))
            .Order(names).ToList();
        Assert.True(hostEntries.SequenceEqual(guestEntries, names!), $"{guestDir}: expected [{string.Join(", ", hostEntries)}] but found [{string.Join(", ", guestEntries)}]");
        foreach (var name in hostEntries)
        {
            string host = Path.Combine(hostDir, name!);
            string guest = guestDir == "/" ? "/" + name : guestDir + "/" + name;
            var info = new FileInfo(host);
            if (info.LinkTarget is not null)
            {
                continue; // symbolic links are checked by the tests that know where they point
            }
            if (Directory.Exists(host))
            {
                Assert.True(fs.DirectoryExists(guest), guest);
                Assert.False(fs.FileExists(guest), guest);
                Walk(fs, host, guest, names, ref files);
            }
            else
            {
                Assert.True(fs.FileExists(guest), guest);
                Assert.False(fs.DirectoryExists(guest), guest);
                var expected = File.ReadAllBytes(host);
                var actual = ReadAll(fs, guest);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{guest}: content differs ({expected.Length} vs {actual.Length} bytes)");
                files++;
            }
        }
    }
}
