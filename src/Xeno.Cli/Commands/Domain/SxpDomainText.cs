using System.Globalization;
using System.Text;
using System.Text.Json;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl list -l` when xl.conf says output_format="sxp". Xen's xl prints libxl's structure in its
/// legacy SXP layout (xl_sxp.c): one "(domain" block per domain, "(domid N)" first, then one
/// "(key value)" per line, nested blocks indented with a tab per level, values printed raw.
/// Xeno's -l shows its own domain JSON (docs/domain-json.md), not libxl's, so this prints that
/// structure in the same layout: an object is a nested block, an array of scalars is one list
/// "(key a b)", each object of an array is its own "(key" block (as xl repeats "(device"),
/// booleans are True/False as libxl's defbools print, null is "(null)" as C's printf prints it.
/// </summary>
public static class SxpDomainText
{
    public static void Write(TextWriter o, JsonElement? dom0Config, IEnumerable<DomainInfo> domains)
    {
        var text = new StringBuilder();
        if (dom0Config is { } dom0)
            Domain(text, 0, dom0);
        foreach (var d in domains)
            Domain(text, d.Domid, d.Config);
        o.Write(text.ToString());
    }

    private static void Domain(StringBuilder o, int domid, JsonElement config)
    {
        o.Append("(domain\n\t(domid ").Append(domid.ToString(CultureInfo.InvariantCulture)).Append(")\n");
        foreach (var p in config.EnumerateObject())
            Entry(o, 1, p.Name, p.Value);
        o.Append(")\n");
    }

    private static void Entry(StringBuilder o, int depth, string key, JsonElement value)
    {
        var indent = new string('\t', depth);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                o.Append(indent).Append('(').Append(key).Append('\n');
                foreach (var p in value.EnumerateObject())
                    Entry(o, depth + 1, p.Name, p.Value);
                o.Append(indent).Append(")\n");
                break;
            case JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object):
                foreach (var e in value.EnumerateArray())
                    Entry(o, depth, key, e);
                break;
            case JsonValueKind.Array:
                o.Append(indent).Append('(').Append(key);
                foreach (var e in value.EnumerateArray())
                    o.Append(' ').Append(Scalar(e));
                o.Append(")\n");
                break;
            default:
                o.Append(indent).Append('(').Append(key).Append(' ').Append(Scalar(value)).Append(")\n");
                break;
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "(null)",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
