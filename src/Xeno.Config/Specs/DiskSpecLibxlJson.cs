using System.Text;
using System.Text.Json;

namespace Xeno.Config.Specs;

/// <summary>
/// A parsed disk as libxl's libxl_device_disk_to_json prints it (`xl -N block-attach`): fields in
/// libxl's IDL order, each only when it differs from libxl's default (0, null, unset).
/// </summary>
public static class DiskSpecLibxlJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 4,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(DiskSpec d)
    {
        ArgumentNullException.ThrowIfNull(d);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            if (d.BackendDomain is { } backend)
                w.WriteString("backend_domname", backend);
            if (d.Target is { } target)
                w.WriteString("pdev_path", target);
            w.WriteString("vdev", d.Vdev);
            if (d.BackendType is { } type)
                w.WriteString("backend", type);
            w.WriteString("format", FormatName(d.Format));
            if (d.Script is { } script)
                w.WriteString("script", script);
            if (d.Removable)
                w.WriteNumber("removable", 1);
            if (d.Access == DiskAccess.ReadWrite && d.DevType != DiskDevType.Cdrom)
                w.WriteNumber("readwrite", 1);
            if (d.DevType == DiskDevType.Cdrom)
                w.WriteNumber("is_cdrom", 1);
            if (d.DirectIoSafe)
                w.WriteBoolean("direct_io_safe", true);
            if (d.Discard is { } discard)
                w.WriteString("discard_enable", discard ? "True" : "False");
            if (d.Specification is { } spec)
                w.WriteString("specification", spec);
            if (d.Colo is { } colo)
                w.WriteString("colo_enable", colo ? "True" : "False");
            if (d.ColoHost is { } host)
                w.WriteString("colo_host", host);
            if (d.ColoPort != 0)
                w.WriteNumber("colo_port", d.ColoPort);
            if (d.ColoExport is { } export)
                w.WriteString("colo_export", export);
            if (d.ActiveDisk is { } active)
                w.WriteString("active_disk", active);
            if (d.HiddenDisk is { } hidden)
                w.WriteString("hidden_disk", hidden);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>libxl's lower-case format names (also the names DomainDisk uses).</summary>
    public static string FormatName(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Qcow => "qcow",
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Vhd => "vhd",
        DiskFormat.Qed => "qed",
        DiskFormat.Empty => "empty",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
