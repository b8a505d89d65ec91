using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Block;

/// <summary>
/// `xl cd-insert` and `xl cd-eject` (xl's cd_insert): the medium is described as the disk spec
/// "vdev=V,access=r,devtype=cdrom,target=PATH" (an empty target ejects), checked, then changed by xenod.
/// </summary>
public static class CdCommands
{
    public static readonly XlCommand Insert = new(
        "cd-insert", (c, a) => Run(c, a, InsertDef(), eject: false), Modifies: true, CanDryRun: true,
        "Insert a cdrom into a guest's cd drive", "<Domain> <VirtualDevice> <path>", null);

    public static readonly XlCommand Eject = new(
        "cd-eject", (c, a) => Run(c, a, EjectDef(), eject: true), Modifies: true, CanDryRun: true,
        "Eject a cdrom from a guest's cd drive", "<Domain> <VirtualDevice>", null);

    private static XlCommand InsertDef() => Insert;
    private static XlCommand EjectDef() => Eject;

    private static int Run(XlContext ctx, IReadOnlyList<string> args, XlCommand def, bool eject)
    {
        var p = DomainArgs.Parse(ctx, def, "", [], args, eject ? 2 : 3, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0], vdev = p.Operands[1];
        string path = eject ? "" : p.Operands[2];

        var parsed = DiskSpecParser.Parse($"vdev={vdev},access=r,devtype=cdrom,target={path}", "command line");
        if (!parsed.Ok)
        {
            foreach (var e in parsed.Errors) ctx.Err.Write(e + "\n");
            return 1;
        }
        var disk = parsed.Value!;
        if (disk.Format != DiskFormat.Empty && !File.Exists(disk.Target) && !Directory.Exists(disk.Target))
        {
            ctx.Err.Write($"Cannot stat file: {disk.Target}\n");
            return 1;
        }
        if (Dom0Requests.Names(dom))
        {
            ctx.Err.Write("libxl: error: Domain 0:cdrom-insert requires an HVM domain\n");
            return 1;
        }
        return DomainArgs.Guard(ctx, client =>
        {
            if (disk.Format == DiskFormat.Empty)
                client.EjectCdAsync(dom, new CdEjectRequest { Vdev = disk.Vdev }).Sync();
            else
                client.InsertCdAsync(dom, new CdInsertRequest { Vdev = disk.Vdev, Path = disk.Target!, Format = DiskSpecLibxlJson.FormatName(disk.Format) }).Sync();
            return 0;
        });
    }
}
