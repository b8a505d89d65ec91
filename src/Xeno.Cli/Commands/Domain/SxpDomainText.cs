using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

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
    public static void Write(TextWriter o, JsonObject? dom0Config, IEnumerable<JsonNode> domains)
    {
        var text = new StringBuilder();
        if (dom0Config is not null)
            Domain(text, 0, dom0Config);
        foreach (var d in domains)
            Domain(text, d["domid"]!.GetValue<int>(), d["config"]!.AsObject());
        o.Write(text.ToString());
    }

    private static void Domain(StringBuilder o, int domid, JsonObject config)
    {
        o.Append("(domain\n\t(domid ").Append(domid.ToString(CultureInfo.InvariantCulture)).Append(")\n");
        foreach (var (key, value) in config)
            Entry(o, 1, key, value);
        o.Append(")\n");
    }

    private static void Entry(StringBuilder o, int depth, string key, JsonNode? value)
    {
        var indent = new string('\t', depth);
        switch (value)
        {
            case JsonObject obj:
                o.Append(indent).Append('(').Append(key).Append('\n');
                foreach (var (k, v) in obj)
                    Entry(o, depth + 1, k, v);
                o.Append(indent).Append(")\n");
                break;
            case JsonArray array when array.All(e => e is JsonObject):
                foreach (var e in array)
                    Entry(o, depth, key, e);
                break;
            case JsonArray array:
                o.Append(indent).Append('(').Append(key);
                foreach (var e in array)
                    o.Append(' ').Append(Scalar(e));
                o.Append(")\n");
                break;
            default:
                o.Append(indent).Append('(').Append(key).Append(' ').Append(Scalar(value)).Append(")\n");
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "(null)",
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "False",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
