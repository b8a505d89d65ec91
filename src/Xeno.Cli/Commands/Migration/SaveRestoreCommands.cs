using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Migration.SaveFiles;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// `xl save [-c] [-p] [-D] <Domain> <CheckpointFile>` and `xl restore [-p] [-e] [-d] <CheckpointFile>`
/// with Xen's usage, messages and exit statuses. xenod does the work (it runs QEMU); restore's
/// header checks run here first, so Xen's lines come out in Xen's order and a bad file creates
/// nothing. A config file operand (<see cref="RestoreConfigFile"/>) is stored in the file instead
/// of the domain's own config (save) or replaces the stored one (restore).
/// </summary>
public static class SaveRestoreCommands
{
    public static readonly XlCommand Save = new(
        "save", RunSave, Modifies: true, CanDryRun: false, "Save a domain state to restore later",
        "[options] <Domain> <CheckpointFile> [<ConfigFile>]",
        "-h  Print this help.\n" +
        "-c  Leave domain running after creating the snapshot.\n" +
        "-p  Leave domain paused after creating the snapshot.\n" +
        "-D  Store the domain id in the configuration.");

    public static readonly XlCommand Restore = new(
        "restore", RunRestore, Modifies: true, CanDryRun: false, "Restore a domain from a saved state",
        "[options] [<ConfigFile>] <CheckpointFile>",
        "-h                       Print this help.\n" +
        "-p                       Do not unpause domain after restoring it.\n" +
        "-e                       Do not wait in the background for the death of the domain.\n" +
        "-d                       Enable debug messages.\n" +
        "-V, --vncviewer          Connect to the VNC display after the domain is created.\n" +
        "-A, --vncviewer-autopass Pass VNC password to viewer via stdin.");

    private static int RunSave(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Save, "cpD", [], args, 2, out var exit);
        if (p is null) return exit;
        if (p.Operands.Count > 3)
        {
            XlHelp.PrintCommandHelp(ctx, Save);
            return 1;
        }
        bool checkpoint = p.Options.Any(o => o.Option == 'c'), leavePaused = p.Options.Any(o => o.Option == 'p');
        // -D keeps the domid in Xen's stored config; Xeno never reuses domids, so it changes nothing.
        string dom = p.Operands[0], filename = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            // Xen's order: the domain first, then the config file (read and checked, no "Parsing config from").
            Xeno.Config.Domain.DomainSpec? config = null;
            if (p.Operands.Count == 3 && (config = RestoreConfigFile.Read(ctx, p.Operands[2], out int configExit, announce: false, readFailureExit: 1)) is null)
                return configExit;
            try
            {
                var answer = client.SaveDomainAsync(DomainArgs.Dom(d.Domid), new SaveDomainRequest
                {
                    // xenod writes the file: a path relative to where xl runs is made absolute here.
                    Path = Path.GetFullPath(filename), Checkpoint = checkpoint, LeavePaused = leavePaused,
                    Spec = config is null ? null : System.Text.Json.JsonElement.Parse(Xeno.Config.Domain.DomainSpecJson.Write(config)),
                    VncPassword = config is null || string.IsNullOrEmpty(config.Vnc.Password) ? null : config.Vnc.Password,
                }).Sync();
                ctx.Err.Write($"Saving to {filename} new xl format (info {answer.Info})\n");
                return 0;
            }
            catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
            {
                ctx.Err.Write($"libxl: error: Domain {d.Domid}:{e.Message}\n");
                ctx.Err.Write("Failed to save domain, resuming domain\n");
                return 1;
            }
        });
    }

    private static int RunRestore(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Restore, "pedVA",
            [new LongOption("vncviewer", false, 'V'), new LongOption("vncviewer-autopass", false, 'A')], args, 1, out var exit);
        if (p is null) return exit;
        if (p.Operands.Count > 2)
        {
            XlHelp.PrintCommandHelp(ctx, Restore);
            return 1;
        }
        // -e: xenod always watches the domain (no xl background process); -d: nothing more to print.
        bool paused = p.Options.Any(o => o.Option == 'p');
        // Xen's order: the save file's header first, then the config file replacing the stored one.
        string? configFile = p.Operands.Count == 2 ? p.Operands[0] : null;
        string filename = p.Operands[^1];
        if (!CheckFile(ctx, filename))
            return 1;
        Xeno.Config.Domain.DomainSpec? config = null;
        if (configFile is not null && (config = RestoreConfigFile.Read(ctx, configFile, out int configExit)) is null)
            return configExit;
        return DomainArgs.Guard(ctx, client =>
        {
            client.RestoreDomainAsync(new RestoreDomainRequest
            {
                Path = Path.GetFullPath(filename),
                Paused = paused,
                Spec = config is null ? null : System.Text.Json.JsonElement.Parse(Xeno.Config.Domain.DomainSpecJson.Write(config)),
                // The spec's JSON leaves the password out; xenod gets it beside it.
                VncPassword = config is null || string.IsNullOrEmpty(config.Vnc.Password) ? null : config.Vnc.Password,
            }).Sync();
            return 0;
        });
    }

    /// <summary>xl's checks of the header, in xl's order and words; then Xeno's stream, before anything is created.</summary>
    private static bool CheckFile(XlContext ctx, string filename)
    {
        FileStream file;
        try
        {
            file = new FileStream(filename, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Can't open restore file: {Hosting.Strerror.Of(e)}\n");
            return false;
        }
        using (file)
        {
            try
            {
                SaveFileReader.Read(file, filename, line => ctx.Err.Write(line + "\n"));
                return true;
            }
            catch (SaveFileException e)
            {
                ctx.Err.Write(e.Message + "\n");
                // Xen's own lines stay exactly Xen's; -v adds where the damage is.
                if (e.Detail is not null && (!e.IsXenText || ctx.Verbosity > 0))
                    ctx.Err.Write($"  ({e.Detail})\n");
                return false;
            }
            catch (IOException e)
            {
                ctx.Err.Write($"Can't read restore file: {Hosting.Strerror.Of(e)}\n");
                return false;
            }
        }
    }
}
