namespace Xeno.Boot.Tests.Disk.Corpus;

/// <summary>
/// Reads files through Xen's own libxenfsimage (the library Xen's pygrub uses, from Debian's
/// xen-utils-4.17), so our filesystem readers can be compared with it path by path.
/// </summary>
internal static class XenFsImageOracle
{
    private const string Module = "/usr/lib/xen-4.17/lib/python";

    private const string Script = """
        import sys, hashlib
        sys.path.insert(0, sys.argv[1])
        import xenfsimage
        fs = xenfsimage.open(sys.argv[2], int(sys.argv[3]))
        for path in sys.stdin.read().split('\n'):
            if not path:
                continue
            if not fs.file_exists(path):
                print(path + '\t-')
                continue
            f = fs.open_file(path)
            data = b''
            while True:
                chunk = f.read(1 << 20, len(data))
                if not chunk:
                    break
                data += chunk
            print(path + '\t' + hashlib.sha256(data).hexdigest())
        """;

    /// <summary>For each path: the SHA-256 of its content as Xen reads it, or null when Xen says it does not exist.</summary>
    public static IReadOnlyDictionary<string, string?> Read(string image, long offset, IEnumerable<string> paths)
    {
        if (!Directory.Exists(Module))
        {
            throw new InvalidOperationException($"Xen's xenfsimage module ({Module}) is not installed (apt-get install -y --no-install-recommends xen-utils-4.17)");
        }
        string output = HostTool.RunWithInput("python3", string.Join('\n', paths) + "\n", "-c", Script, Module, image, offset.ToString());
        var result = new Dictionary<string, string?>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            result[parts[0]] = parts[1] == "-" ? null : parts[1];
        }
        return result;
    }
}
