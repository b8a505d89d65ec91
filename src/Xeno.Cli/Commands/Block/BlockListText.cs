using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Block;

/// <summary>xl block-list's table: its header and rows, column for column as Xen prints them (xen-toolstack.md §4.3).</summary>
public static class BlockListText
{
    public static string Header => Row("Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path");

    /// <summary>One row; the "handle" column holds the frontend's domid, as in Xen.</summary>
    public static string Line(BlockDeviceInfo d) => Row(N(d.Devid), N(d.BackendId), N(d.FrontendId), N(d.State), N(d.EventChannel), N(d.RingRef), d.BackendPath);

    // printf's "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n" (the %d rows pad the same way).
    private static string Row(string vdev, string be, string handle, string state, string evtch, string ringRef, string path) =>
        $"{vdev,-5} {be,-3} {handle,-6} {state,-5} {evtch,-6} {ringRef,-8} {path,-30}\n";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
