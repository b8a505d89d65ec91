namespace Xeno.Boot.Tests.Disk.Corpus;

/// <summary>Deterministic folders of files that the corpus images are built from and compared against.</summary>
internal static class SourceTree
{
    public const string Kernel = "/boot/vmlinuz-6.1.0-xeno";
    public const string Initrd = "/boot/initrd.img-6.1.0-xeno";
    public const int ManyFiles = 300;

    /// <summary>A guest-like tree: kernel, initrd, boot configs, a big directory, deep folders, odd names, a sparse file; optionally symlinks.</summary>
    public static void BuildGuest(string root, bool symlinks)
    {
        Write(root, Kernel, RandomBytes(1, 300_000));
        Write(root, Initrd, RandomBytes(2, 180_000));
        Write(root, "/boot/grub/grub.cfg", "set default=0\nmenuentry 'Xeno' {\n  linux /boot/vmlinuz-6.1.0-xeno root=/dev/xvda1\n  initrd /boot/initrd.img-6.1.0-xeno\n}\n"u8.ToArray());
        Write(root, "/boot/grub/menu.lst", "default 0\ntitle Xeno\n  kernel /boot/vmlinuz-6.1.0-xeno ro\n  initrd /boot/initrd.img-6.1.0-xeno\n"u8.ToArray());
        Write(root, "/boot/extlinux/extlinux.conf", "DEFAULT xeno\nLABEL xeno\n  KERNEL /boot/vmlinuz-6.1.0-xeno\n"u8.ToArray());
        Write(root, "/etc/hostname", "guest\n"u8.ToArray());
        Write(root, "/empty.txt", []);
        Write(root, "/Mixed Case Long File Name.txt", "long names survive\n"u8.ToArray());
        Write(root, "/deep/a/b/c/d/e/f/g/h/i/leaf.txt", "deep\n"u8.ToArray());
        for (int i = 0; i < ManyFiles; i++)
        {
            Write(root, $"/boot/many/entry-with-a-longish-name-{i:D4}.conf", System.Text.Encoding.ASCII.GetBytes($"file {i}\n"));
        }
        // A file with a real hole in the middle on the host, so mkfs keeps the hole.
        using (var sparse = new FileStream(Path.Combine(root, "sparse.bin"), FileMode.Create))
        {
            sparse.Write(RandomBytes(3, 4096));
            sparse.Seek((1 << 20) - 4096, SeekOrigin.Begin);
            sparse.Write(RandomBytes(4, 4096));
        }
        if (symlinks)
        {
            File.CreateSymbolicLink(Path.Combine(root, "vmlinuz"), "boot/vmlinuz-6.1.0-xeno");
            File.CreateSymbolicLink(Path.Combine(root, "initrd.img"), "/boot/initrd.img-6.1.0-xeno");
            File.CreateSymbolicLink(Path.Combine(root, "boot/grub-cfg-via-a-long-relative-symbolic-link"),
                "../boot/./grub/../grub/./././././././././././././././././grub.cfg");
            File.CreateSymbolicLink(Path.Combine(root, "boot/loop1"), "loop2");
            File.CreateSymbolicLink(Path.Combine(root, "boot/loop2"), "loop1");
            Directory.CreateSymbolicLink(Path.Combine(root, "bootdir"), "boot");
        }
    }

    /// <summary>A small tree for fuzzing: a kernel, configs, a directory of 40 files, symlinks (optional) including a loop.</summary>
    public static void BuildSmall(string root, bool symlinks)
    {
        Write(root, "/boot/vmlinuz-small", RandomBytes(5, 40_000));
        Write(root, "/boot/grub/grub.cfg", "menuentry 'small' {\n linux /boot/vmlinuz-small\n}\n"u8.ToArray());
        for (int i = 0; i < 40; i++)
        {
            Write(root, $"/boot/many/file-with-a-long-name-{i:D2}.txt", System.Text.Encoding.ASCII.GetBytes($"small {i}\n"));
        }
        if (symlinks)
        {
            File.CreateSymbolicLink(Path.Combine(root, "vmlinuz"), "boot/vmlinuz-small");
            File.CreateSymbolicLink(Path.Combine(root, "abs"), "/boot/grub/grub.cfg");
            File.CreateSymbolicLink(Path.Combine(root, "boot/loop1"), "loop2");
            File.CreateSymbolicLink(Path.Combine(root, "boot/loop2"), "loop1");
        }
    }

    /// <summary>A tree whose names survive plain ISO9660 level-1 naming (8.3, compared without case).</summary>
    public static void BuildPlain(string root)
    {
        Write(root, "/boot/vmlinuz", RandomBytes(1, 300_000));
        Write(root, "/boot/initrd.img", RandomBytes(2, 180_000));
        Write(root, "/boot/grub/grub.cfg", "menuentry 'x' {\n}\n"u8.ToArray());
        Write(root, "/boot/grub/menu.lst", "title x\n"u8.ToArray());
    }

    public static byte[] RandomBytes(int seed, int count)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void Write(string root, string path, byte[] content)
    {
        string full = Path.Combine(root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }
}
