using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// A xenod killed while a domain was starting (a create, a restore, an incoming migration, whose
/// runtime record is written only once the start completed) leaves that domain's run folder and
/// maybe its QEMU (one started with -incoming defer waits for ever). At the next start nothing
/// else knows them: a run folder without a record is ended, its QEMU killed (only if the pid file
/// names a live QEMU of that very folder), then removed. Found by the migration failure tests.
/// </summary>
internal static partial class UnrecordedRunFolders
{
    [GeneratedRegex(@"^d(\d+)$")]
    private static partial Regex DomainFolder();

    public static void Clean(EngineContext context, IReadOnlySet<int> recorded)
    {
        if (!Directory.Exists(context.Paths.RunDir))
            return;
        foreach (var dir in Directory.GetDirectories(context.Paths.RunDir))
        {
            var m = DomainFolder().Match(Path.GetFileName(dir));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int domid) || recorded.Contains(domid))
                continue;
            // The name only places the console log, which stays: any name finds the QEMU by its QMP socket.
            var files = context.Paths.FilesFor(domid, "unrecorded");
            if (QemuProcess.TryAdopt(files, context.Proc) is { } qemu)
            {
                qemu.Kill();
                context.Log.Info($"domain {domid}: killed QEMU pid {qemu.Pid} of a start that never finished (no runtime record)");
            }
            try
            {
                Directory.Delete(dir, recursive: true);
                context.Log.Info($"domain {domid}: removed the run folder of a start that never finished (no runtime record)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Log.Info($"domain {domid}: cannot remove {dir}: {e.Message}");
            }
        }
    }
}
