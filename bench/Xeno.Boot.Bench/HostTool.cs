using System.Diagnostics;

namespace Xeno.Boot.Bench;

/// <summary>Runs the real tools (mkfs.ext4, sfdisk, qemu-img, dotnet, the pygrubs) the benchmark needs.</summary>
internal static class HostTool
{
    /// <summary>Runs <paramref name="tool"/> to completion; returns its standard output, throws when it fails.</summary>
    public static string Run(string tool, string? input, params string[] args)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        process.StandardInput.Write(input ?? "");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout}");
        }
        return stdout;
    }
}
