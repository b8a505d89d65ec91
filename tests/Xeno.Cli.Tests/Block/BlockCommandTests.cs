using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Block;

namespace Xeno.Cli.Tests.Block;

/// <summary>
/// xl block-* and cd-* without a daemon: usage texts, argument errors and exit statuses as
/// Debian's xl 4.17 prints them (recorded from /usr/lib/xen-4.17/bin/xl under the spec oracle's
/// shim), -N block-attach, the parse errors of the disk spec, and Xen's block-list table.
/// </summary>
public sealed class BlockCommandTests
{
    private static readonly Dictionary<string, string> Usage = new()
    {
        ["block-attach"] = "Usage: xl [-vtTfN] block-attach <Domain> <disk-spec-component(s)>...\n\nCreate a new virtual block device.\n\n",
        ["block-detach"] = "Usage: xl [-vtTf] block-detach [option] <Domain> <DevId>\n\nDestroy a domain's virtual block device.\n\n" +
                           "Options:\n\n-f, --force        do not wait for the domain to release the device\n",
        ["block-list"] = "Usage: xl [-vtT] block-list <Domain(s)>\n\nList virtual block devices for a domain.\n\n",
        ["cd-insert"] = "Usage: xl [-vtTfN] cd-insert <Domain> <VirtualDevice> <path>\n\nInsert a cdrom into a guest's cd drive.\n\n",
        ["cd-eject"] = "Usage: xl [-vtTfN] cd-eject <Domain> <VirtualDevice>\n\nEject a cdrom from a guest's cd drive.\n\n",
    };

    private static readonly Dictionary<string, int> Required = new()
    {
        ["block-attach"] = 2, ["block-detach"] = 2, ["block-list"] = 1, ["cd-insert"] = 3, ["cd-eject"] = 2,
    };

    public static TheoryData<string> Commands => [.. Usage.Keys];

    [Theory]
    [MemberData(nameof(Commands))]
    public void UsageAndArgumentErrorsAreXens(string command)
    {
        using var xl = new XlRunner();
        Assert.Equal((0, Usage[command], ""), xl.Run("help", command));
        Assert.Equal((0, Usage[command], ""), xl.Run(command, "-h"));
        int n = Required[command];
        Assert.Equal((2, Usage[command], $"'xl {command}' requires at least {n} argument{(n == 1 ? "" : "s")}.\n\n"), xl.Run(command));
        Assert.Equal((2, "", "option `z' not supported.\n"), xl.Run(command, "-z", "x", "y", "z"));
    }

    [Fact]
    public void DryRunBlockAttachPrintsLibxlsDiskJson()
    {
        using var xl = new XlRunner();
        Assert.Equal((0, "disk: {\n    \"pdev_path\": \"/dev/sde\",\n    \"vdev\": \"xvde\",\n    \"format\": \"raw\",\n    \"readwrite\": 1\n}\n\n", ""),
            xl.Run("-N", "block-attach", "0", "format=raw, vdev=xvde, access=rw, target=/dev/sde"));
        // Several arguments make one spec, as xl's parse_disk_config_multistring reads them.
        Assert.Equal((0, "disk: {\n    \"pdev_path\": \"/i.iso\",\n    \"vdev\": \"hdc\",\n    \"format\": \"raw\",\n    \"removable\": 1,\n    \"is_cdrom\": 1\n}\n\n", ""),
            xl.Run("-N", "block-attach", "3", "/i.iso,,hdc", "cdrom"));
    }

    [Fact]
    public void BadDiskSpecsGetXlsParseErrors()
    {
        using var xl = new XlRunner();
        Assert.Equal((1, "", "command line: config parsing error in disk specification: too many positional parameters: near `extra' in `/tmp/x,raw,xvdb,rw,extra'\n"),
            xl.Run("block-attach", "0", "/tmp/x,raw,xvdb,rw,extra"));
        Assert.Equal((1, "", "command line: config parsing error in disk specification: unknown parameter: near `foo=b' in `foo=bar'\n"),
            xl.Run("block-attach", "0", "foo=bar"));
        Assert.Equal((1, "", "command line: config parsing error in disk specification: no vdev specified in `target=/tmp/x'\n"),
            xl.Run("block-attach", "0", "target=/tmp/x"));
    }

    [Fact]
    public void Domain0HasNoBlockDevices()
    {
        using var xl = new XlRunner();
        Assert.Equal((1, "", "Error: Device junk not connected.\n"), xl.Run("block-detach", "0", "junk"));
        Assert.Equal((1, "", "Cannot stat file: /nonexistent/x.iso\n"), xl.Run("cd-insert", "0", "hdc", "/nonexistent/x.iso"));
    }

    [Fact]
    public void BlockListTableHasXensColumns()
    {
        // Xen's header, trailing blanks included (%-30s of "BE-path").
        Assert.Equal("Vdev  BE  handle state evt-ch ring-ref BE-path                       \n", BlockListText.Header);
        var row = BlockListText.Line(new BlockDeviceInfo
        {
            Devid = 51712, Vdev = "xvda", BackendId = 0, FrontendId = 3, State = 4, EventChannel = -1, RingRef = -1,
            BackendPath = "/local/domain/0/backend/vbd/3/51712", Format = "raw", ReadOnly = false, Cdrom = false,
        });
        Assert.Equal("51712 0   3      4     -1     -1       /local/domain/0/backend/vbd/3/51712\n", row);
        var wide = BlockListText.Line(new BlockDeviceInfo
        {
            Devid = 268441856, Vdev = "xvdz", BackendId = 0, FrontendId = 12, State = 4, EventChannel = 17, RingRef = 8,
            BackendPath = "/x", Format = "raw", ReadOnly = true, Cdrom = false,
        });
        Assert.Equal("268441856 0   12     4     17     8        /x                            \n", wide);
    }
}
