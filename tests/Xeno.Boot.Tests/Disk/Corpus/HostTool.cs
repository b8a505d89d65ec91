using System.Diagnostics;

namespace Xeno.Boot.Tests.Disk.Corpus;

/// <summary>Runs the real host tools (mkfs, mtools, xorriso, sfdisk, qemu-img) that build the test corpus.</summary>
internal static class HostTool
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["mkfs.ext2"] = "e2fsprogs", ["mkfs.ext3"] = "e2fsprogs", ["mkfs.ext4"] = "e2fsprogs", ["e2fsck"] = "e2fsprogs",
        ["debugfs"] = "e2fsprogs", ["mkfs.vfat"] = "dosfstools", ["mcopy"] = "mtools", ["mmd"] = "mtools",
        ["xorriso"] = "xorriso", ["sfdisk"] = "fdisk", ["sgdisk"] = "gdisk", ["qemu-img"] = "qemu-utils",
        ["qemu-io"] = "qemu-utils", ["blkid"] = "util-linux", ["python3"] = "python3", ["mkswap"] = "util-linux", ["truncate"] = "coreutils", ["dd"] = "coreutils",
    };

    /// <summary>Runs <paramref name="tool"/> and returns its stdout; fails the test with the tool's stderr when it fails or is missing.</summary>
    public static string Run(string tool, params string[] args) => Execute(tool, "", [0], args);

    /// <summary>Runs a tool that reports success with any of <paramref name="okCodes"/> (e2fsck says 1 after fixing or optimising).</summary>
    public static string RunAllowing(int[] okCodes, string tool, params string[] args) => Execute(tool, "", okCodes, args);

    /// <summary>Runs a tool feeding <paramref name="input"/> on stdin.</summary>
    public static string RunWithInput(string tool, string input, params string[] args) => Execute(tool, input, [0], args);

    private static string Execute(string tool, string input, int[] okCodes, string[] args)
    {
        string path = Find(tool);
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["LC_ALL"] = "C";
        info.Environment["MTOOLS_SKIP_CHECK"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {tool}");
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (!okCodes.Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        }
        return stdout;
    }

    private static string Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool)))
            {
                return Path.Combine(dir, tool);
            }
        }
        string package = Packages.GetValueOrDefault(tool, "?");
        throw new InvalidOperationException($"required tool '{tool}' is not installed (apt-get install -y {package}); the disk corpus cannot be built without it");
    }
}
