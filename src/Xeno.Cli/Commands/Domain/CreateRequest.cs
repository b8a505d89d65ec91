using System.Text.Json.Nodes;
using Xeno.Config.Domain;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// The non-dry-run end of `xl create`: resolves relative paths against xl's working directory
/// (xenod has its own), sends the domain to xenod, then honours -c (attach the console) and
/// -F (stay until the domain is gone).
/// </summary>
public static class CreateRequest
{
    // libxl's ERROR_FAIL, returned negated as xl create's exit status.
    private const int ErrorFail = 3;

    public static int Send(XlContext ctx, DomainSpec spec, bool paused, bool console, bool foreground)
    {
        spec = Absolute(spec, Directory.GetCurrentDirectory());
        using var client = DaemonClient.For(ctx);
        int domid;
        try
        {
            var answer = client.Post("domains", new JsonObject
            {
                ["spec"] = JsonNode.Parse(DomainSpecJson.Write(spec)),
                ["paused"] = paused,
                // The spec's JSON leaves the password out; xenod gets it beside it, never in a log.
                ["vnc_password"] = string.IsNullOrEmpty(spec.Vnc.Password) ? null : spec.Vnc.Password,
            });
            domid = answer["domid"]!.GetValue<int>();
        }
        catch (DaemonException e)
        {
            ctx.Err.Write(e.Message + "\n");
            if (e.Kind != "unreachable")
                ctx.Err.Write($"libxl: error: Domain {spec.Name}:cannot (re-)build domain: -3\n");
            return ErrorFail;
        }
        ctx.Err.Write(SoftAffinityWarnings.AtCreate(domid, spec.MaxVcpus, spec.CpuAffinity, spec.CpuSoftAffinity, Hosting.XenoHost.ReadCpuTopology().CpuCount));
        if (console)
        {
            try
            {
                var d = client.Get($"domains/{domid}");
                ConsoleCommand.Attach(ctx, d["console"]!["socket"]!.GetValue<string>(), ConsoleCommand.DefaultEscape, null);
            }
            catch (DaemonException e)
            {
                ctx.Err.Write(e.Message + "\n");
            }
        }
        if (foreground)
            return Follow(ctx, client, spec.Name, domid);
        return 0;
    }

    /// <summary>
    /// -F: stay until the domain is gone, as Xen's xl does. xenod applies the on_* actions; a
    /// restart (also rename-restart) brings the name back under a newer domid, which xl follows.
    /// A domain left shut down (preserve) ends the wait too, as xl's "Done. Exiting now".
    /// </summary>
    private static int Follow(XlContext ctx, DaemonClient client, string name, int domid)
    {
        while (true)
        {
            try
            {
                var d = client.Get($"domains/{domid}");
                bool renamed = d["name"]?.GetValue<string>() != name;
                if (!renamed && d["shutdown_reason"] is JsonValue)
                    return 0;
                if (renamed)
                {
                    if (Successor(client, name, domid) is not { } next)
                        return 0;
                    domid = next;
                }
            }
            catch (DaemonException e) when (e.Kind == "notfound")
            {
                if (Successor(client, name, domid) is not { } next)
                    return 0;
                domid = next;
            }
            catch (DaemonException e)
            {
                ctx.Err.Write(e.Message + "\n");
                return 1;
            }
            Thread.Sleep(500);
        }
    }

    /// <summary>The domid now carrying <paramref name="name"/>, when newer than <paramref name="domid"/>.</summary>
    private static int? Successor(DaemonClient client, string name, int domid)
    {
        try
        {
            int id = client.Get(DaemonClient.Dom(name))["domid"]!.GetValue<int>();
            return id > domid ? id : null;
        }
        catch (DaemonException e) when (e.Kind == "notfound")
        {
            return null;
        }
    }

    /// <summary>
    /// Kernel, ramdisk and disk targets relative to <paramref name="cwd"/> become absolute; with a
    /// bootloader (pv/pvh) kernel and ramdisk are paths inside the guest's disk and stay as given.
    /// </summary>
    internal static DomainSpec Absolute(DomainSpec spec, string cwd)
    {
        string? Abs(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, cwd);
        bool insideGuest = spec.Bootloader is not null && spec.Kind != DomainKind.Hvm;
        return spec with
        {
            Kernel = insideGuest ? spec.Kernel : Abs(spec.Kernel),
            Ramdisk = insideGuest ? spec.Ramdisk : Abs(spec.Ramdisk),
            Disks = spec.Disks.Select(d => d with { Target = Abs(d.Target) }).ToList(),
        };
    }
}
