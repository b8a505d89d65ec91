using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Block;

/// <summary>
/// `xl block-attach`, `block-detach` and `block-list`, with xl's usage texts, messages and exit
/// statuses (xl_block.c): the disk spec is parsed here, as xl does, and xenod does the rest.
/// </summary>
public static class BlockCommands
{
    public static readonly XlCommand Attach = new(
        "block-attach", RunAttach, Modifies: true, CanDryRun: true,
        "Create a new virtual block device", "<Domain> <disk-spec-component(s)>...", null);

    public static readonly XlCommand Detach = new(
        "block-detach", RunDetach, Modifies: true, CanDryRun: false,
        "Destroy a domain's virtual block device", "[option] <Domain> <DevId>",
        "-f, --force        do not wait for the domain to release the device");

    public static readonly XlCommand List = new(
        "block-list", RunList, Modifies: false, CanDryRun: false,
        "List virtual block devices for a domain", "<Domain(s)>", null);

    private static int RunAttach(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Attach, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0];
        // libxl_domain_qualifier_to_domid: a number is taken as it is, a name must exist.
        bool numeric = dom.Length > 0 && dom.All(char.IsAsciiDigit);
        if (!numeric && !Dom0Requests.Names(dom) && !NameExists(ctx, dom, out exit))
            return exit;

        var parsed = DiskSpecParser.Parse([.. p.Operands.Skip(1)], "command line");
        if (!parsed.Ok)
        {
            foreach (var e in parsed.Errors) ctx.Err.Write(e + "\n");
            return parsed.Errors.Contains("flex scanner jammed") ? 2 : 1;
        }
        var disk = parsed.Value!;
        if (ctx.DryRun)
        {
            ctx.Out.Write("disk: " + DiskSpecLibxlJson.Write(disk) + "\n\n");
            return 0;
        }
        var request = new BlockAttachRequest
        {
            Target = disk.Target,
            Format = DiskSpecLibxlJson.FormatName(disk.Format),
            Vdev = disk.Vdev,
            ReadOnly = disk.Access == DiskAccess.ReadOnly,
            Cdrom = disk.DevType == DiskDevType.Cdrom,
            Script = disk.Script,
            BackendType = disk.BackendType,
        };
        using var client = DomainArgs.Client(ctx);
        try
        {
            client.AttachDiskAsync(Dom0Requests.Names(dom) ? "0" : dom, request).Sync();
            return 0;
        }
        catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
        {
            ctx.Err.Write(e.Message + "\nlibxl_device_disk_add failed.\n");
            return 1;
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            return 1;
        }
    }

    private static int RunDetach(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Detach, "f", [new LongOption("force", false, 'f')], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0], device = p.Operands[1];
        bool force = p.Options.Any(o => o.Option == 'f');
        string notConnected = $"Error: Device {device} not connected.\n";
        // Domain 0 has no virtual block devices here.
        if (Dom0Requests.Names(dom))
        {
            ctx.Err.Write(notConnected);
            return 1;
        }
        using var client = DomainArgs.Client(ctx);
        try
        {
            client.DetachDiskAsync(dom, new BlockDetachRequest { Device = device, Force = force }).Sync();
            return 0;
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
        {
            // A number names a domain without looking (find_domain); then the device is not found.
            bool numeric = dom.All(char.IsAsciiDigit);
            ctx.Err.Write(numeric || e.Message.StartsWith("Error: Device", StringComparison.Ordinal) ? notConnected : e.Message + "\n");
            return 1;
        }
        catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
        {
            ctx.Err.Write(e.Message + $"\nlibxl_device_disk_{(force ? "destroy" : "safe_remove")} failed.\n");
            return 1;
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            return 1;
        }
    }

    private static int RunList(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, List, "", [], args, 1, out var exit);
        if (p is null) return exit;
        ctx.Out.Write(BlockListText.Header);
        return DomainArgs.Guard(ctx, client =>
        {
            foreach (var dom in p.Operands)
            {
                if (Dom0Requests.Names(dom))
                    continue;
                BlockDeviceList list;
                try
                {
                    list = client.ListDisksAsync(dom).Sync();
                }
                catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
                {
                    // A number that names no domain lists nothing; an unknown name is reported.
                    if (!dom.All(char.IsAsciiDigit))
                        ctx.Err.Write($"{dom} is an invalid domain identifier\n");
                    continue;
                }
                foreach (var d in list.Devices)
                    ctx.Out.Write(BlockListText.Line(d));
            }
            return 0;
        });
    }

    /// <summary>Whether a domain name exists; prints xl's message and sets the exit status when not.</summary>
    internal static bool NameExists(XlContext ctx, string dom, out int exit)
    {
        exit = 0;
        using var client = DomainArgs.Client(ctx);
        try
        {
            client.GetDomainAsync(dom).Sync();
            return true;
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
        {
            ctx.Err.Write($"{dom} is an invalid domain identifier\n");
            exit = 1;
            return false;
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            exit = 1;
            return false;
        }
    }
}
