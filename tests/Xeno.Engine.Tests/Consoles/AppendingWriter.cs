using System.Diagnostics;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// Appends to a file the way QEMU writes its console log: through a descriptor opened with
/// O_APPEND (a shell's <c>&gt;&gt;</c>), so every write lands at the end of the file even after
/// someone collapsed or truncated it. .NET's FileMode.Append writes at an offset it tracks
/// itself, which a collapse would turn into a hole.
/// </summary>
internal sealed class AppendingWriter : IDisposable
{
    private readonly Process _cat;

    public AppendingWriter(string path)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec cat >> \"$1\"", "sh", path })
            info.ArgumentList.Add(a);
        _cat = Process.Start(info) ?? throw new InvalidOperationException("cannot start cat");
    }

    /// <summary>Hands the bytes to the appender (they reach the file a moment later).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        _cat.StandardInput.BaseStream.Write(bytes);
        _cat.StandardInput.BaseStream.Flush();
    }

    /// <summary>Runs a shell command with stdout appended to <paramref name="path"/>, waiting for it.</summary>
    public static Task RunAsync(string command, string path)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", command + " >> \"$1\"", "sh", path })
            info.ArgumentList.Add(a);
        var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {command}");
        return p.WaitForExitAsync().ContinueWith(_ => p.Dispose(), TaskScheduler.Default);
    }

    public void Dispose()
    {
        _cat.StandardInput.Close();
        _cat.WaitForExit();
        _cat.Dispose();
    }
}
