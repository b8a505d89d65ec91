using System.Globalization;
using System.Text;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Network;

/// <summary>
/// libxl_device_nic_to_json as `xl -N network-attach` prints it: the fields of
/// libxl_device_nic in the IDL's order, only those not at their default, yajl's layout
/// (four-space indent; an empty object is "{\n\n}").
/// </summary>
internal static class NicJson
{
    /// <summary>The COLO keys in libxl_types.idl's order (not xl's parse order).</summary>
    private static readonly string[] ColoOrder =
    [
        "colo_sock_mirror_id", "colo_sock_mirror_ip", "colo_sock_mirror_port",
        "colo_sock_compare_pri_in_id", "colo_sock_compare_pri_in_ip", "colo_sock_compare_pri_in_port",
        "colo_sock_compare_sec_in_id", "colo_sock_compare_sec_in_ip", "colo_sock_compare_sec_in_port",
        "colo_sock_compare_notify_id", "colo_sock_compare_notify_ip", "colo_sock_compare_notify_port",
        "colo_sock_redirector0_id", "colo_sock_redirector0_ip", "colo_sock_redirector0_port",
        "colo_sock_redirector1_id", "colo_sock_redirector1_ip", "colo_sock_redirector1_port",
        "colo_sock_redirector2_id", "colo_sock_redirector2_ip", "colo_sock_redirector2_port",
        "colo_filter_mirror_queue", "colo_filter_mirror_outdev",
        "colo_filter_redirector0_queue", "colo_filter_redirector0_indev", "colo_filter_redirector0_outdev",
        "colo_filter_redirector1_queue", "colo_filter_redirector1_indev", "colo_filter_redirector1_outdev",
        "colo_compare_pri_in", "colo_compare_sec_in", "colo_compare_out", "colo_compare_notify_dev",
        "colo_sock_sec_redirector0_id", "colo_sock_sec_redirector0_ip", "colo_sock_sec_redirector0_port",
        "colo_sock_sec_redirector1_id", "colo_sock_sec_redirector1_ip", "colo_sock_sec_redirector1_port",
        "colo_filter_sec_redirector0_queue", "colo_filter_sec_redirector0_indev", "colo_filter_sec_redirector0_outdev",
        "colo_filter_sec_redirector1_queue", "colo_filter_sec_redirector1_indev", "colo_filter_sec_redirector1_outdev",
        "colo_filter_sec_rewriter0_queue", "colo_checkpoint_host", "colo_checkpoint_port",
    ];

    /// <summary>The object (ending in a newline, as libxl's generator leaves it).</summary>
    public static string Of(VifSpec nic, string? bridge, string? script)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var fields = new List<string>();
        void Str(string key, string? value)
        {
            if (value is not null) fields.Add($"\"{key}\": {Quote(value)}");
        }
        void Num(string key, long? value, long unset = 0)
        {
            if (value is { } v && v != unset) fields.Add($"\"{key}\": {v.ToString(CultureInfo.InvariantCulture)}");
        }

        Str("backend_domname", nic.Backend);
        Num("devid", nic.Devid, unset: -1);
        Num("mtu", nic.Mtu);
        Str("model", nic.Model);
        Str("mac", nic.Mac);
        Str("ip", nic.Ip);
        Str("bridge", bridge);
        Str("ifname", nic.VifName);
        Str("script", script);
        Str("nictype", nic.Type switch { "vif" => "vif", "ioemu" => "vif_ioemu", _ => null });
        Num("rate_bytes_per_interval", nic.Rate?.BytesPerInterval);
        Num("rate_interval_usecs", nic.Rate?.IntervalUsecs);
        Str("gatewaydev", nic.GatewayDev);
        Str("coloft_forwarddev", nic.ForwardDev);
        foreach (var key in ColoOrder)
            if (nic.Colo.TryGetValue(key, out var v)) Str(key, v);

        return "{\n" + string.Join(",\n", fields.Select(f => "    " + f)) + "\n}\n";
    }

    /// <summary>A JSON string as yajl writes one: quote, backslash and control characters escaped, the rest verbatim.</summary>
    internal static string Quote(string value)
    {
        var b = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < 0x20) b.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else b.Append(c);
                    break;
            }
        }
        return b.Append('"').ToString();
    }
}
