namespace Xeno.Boot.Tests.Disk.Corpus;

/// <summary>Asks Xen's own pygrub (Debian xen-utils-4.17) which partition offsets it tries for a disk image.</summary>
internal static class PygrubOracle
{
    public const string Pygrub = "/usr/lib/xen-4.17/bin/pygrub";

    private const string Script = """
        import sys, importlib.util, importlib.machinery
        sys.path.insert(0, '/usr/lib/xen-4.17/lib/python')
        loader = importlib.machinery.SourceFileLoader('pygrub', sys.argv[1])
        spec = importlib.util.spec_from_loader('pygrub', loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        print(' '.join(str(o) for o in module.get_partition_offsets(sys.argv[2])))
        """;

    public static IReadOnlyList<long> PartitionOffsets(string image)
    {
        if (!File.Exists(Pygrub))
        {
            throw new InvalidOperationException($"Xen's pygrub ({Pygrub}) is not installed (apt-get install -y --no-install-recommends xen-utils-4.17)");
        }
        string output = HostTool.Run("python3", "-c", Script, Pygrub, image);
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToList();
    }
}
