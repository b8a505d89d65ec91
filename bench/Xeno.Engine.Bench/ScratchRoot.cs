namespace Xeno.Engine.Bench;

/// <summary>
/// A bench's own temporary folder, holding its prefix, disks and configs. Removed at the end with any QEMU
/// still running under it, so a failed run leaves no guests behind (xenod's and bare ones all live under it).
/// </summary>
internal static class ScratchRoot
{
    /// <summary>Runs <paramref name="measure"/> on a new folder named <paramref name="tempPrefix"/>…; <paramref name="label"/> names the bench in the clean-up note.</summary>
    public static async Task<T> UseAsync<T>(string tempPrefix, string label, Func<string, Task<T>> measure)
    {
        var root = Directory.CreateTempSubdirectory(tempPrefix).FullName;
        try
        {
            return await measure(root);
        }
        finally
        {
            int killed = HostProcesses.KillQemusUnder(root);
            if (killed > 0)
                Console.Error.WriteLine($"{label}: killed {killed} QEMU process(es) left under {root}");
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
