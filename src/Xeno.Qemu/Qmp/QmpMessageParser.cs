using System.Text.Json;

namespace Xeno.Qemu.Qmp;

/// <summary>
/// Turns one line from the QMP socket into a <see cref="QmpMessage"/>. The peer is not trusted:
/// anything that is not a well-formed QMP message becomes a <see cref="QmpProtocolException"/>
/// naming the problem; nothing else escapes.
/// </summary>
public static class QmpMessageParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static QmpMessage Parse(ReadOnlySpan<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray(), Options);
        }
        catch (JsonException e)
        {
            throw new QmpProtocolException($"malformed JSON from QEMU ({e.Message}): {Snippet(line)}", e);
        }
        using (document)
        {
            try
            {
                return Interpret(document.RootElement, line);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
            {
                // e.g. a string with a lone surrogate escape that cannot be decoded
                throw new QmpProtocolException($"undecodable value in QMP message ({e.Message}): {Snippet(line)}", e);
            }
        }
    }

    private static QmpMessage Interpret(JsonElement root, ReadOnlySpan<byte> line)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new QmpProtocolException($"QMP message is a JSON {Kind(root)}, not an object: {Snippet(line)}");
        if (root.TryGetProperty("return", out var value))
            return new QmpReturn(Id(root), value.Clone());
        if (root.TryGetProperty("error", out var error))
            return ParseError(root, error, line);
        if (root.TryGetProperty("event", out var name))
            return ParseEvent(root, name, line);
        if (root.TryGetProperty("QMP", out var qmp))
            return ParseGreeting(qmp, line);
        throw new QmpProtocolException($"QMP message has none of return/error/event/QMP: {Snippet(line)}");
    }

    private static QmpError ParseError(JsonElement root, JsonElement error, ReadOnlySpan<byte> line)
    {
        if (error.ValueKind != JsonValueKind.Object)
            throw new QmpProtocolException($"QMP error is not an object: {Snippet(line)}");
        string errorClass = OptionalString(error, "class", line) ?? "GenericError";
        string description = OptionalString(error, "desc", line) ?? "(no description)";
        return new QmpError(Id(root), errorClass, description);
    }

    private static QmpEvent ParseEvent(JsonElement root, JsonElement name, ReadOnlySpan<byte> line)
    {
        if (name.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(name.GetString()))
            throw new QmpProtocolException($"QMP event name is not a string: {Snippet(line)}");
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new QmpEvent(name.GetString()!, data, Timestamp(root, line));
    }

    private static DateTimeOffset Timestamp(JsonElement root, ReadOnlySpan<byte> line)
    {
        if (!root.TryGetProperty("timestamp", out var ts))
            return DateTimeOffset.UnixEpoch;
        if (ts.ValueKind != JsonValueKind.Object
            || !ts.TryGetProperty("seconds", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out long seconds)
            || !ts.TryGetProperty("microseconds", out var u) || u.ValueKind != JsonValueKind.Number || !u.TryGetInt64(out long micros)
            || seconds < 0 || seconds > 253_402_300_799 || micros < 0 || micros >= 1_000_000)
        {
            throw new QmpProtocolException($"QMP event timestamp is malformed: {Snippet(line)}");
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
    }

    private static QmpGreeting ParseGreeting(JsonElement qmp, ReadOnlySpan<byte> line)
    {
        if (qmp.ValueKind != JsonValueKind.Object)
            throw new QmpProtocolException($"QMP greeting is not an object: {Snippet(line)}");
        int major = 0, minor = 0, micro = 0;
        string package = "";
        if (qmp.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Object)
        {
            if (version.TryGetProperty("qemu", out var q) && q.ValueKind == JsonValueKind.Object)
            {
                major = OptionalInt(q, "major", line);
                minor = OptionalInt(q, "minor", line);
                micro = OptionalInt(q, "micro", line);
            }
            package = OptionalString(version, "package", line) ?? "";
        }
        var capabilities = new List<string>();
        if (qmp.TryGetProperty("capabilities", out var caps))
        {
            if (caps.ValueKind != JsonValueKind.Array)
                throw new QmpProtocolException($"QMP greeting capabilities is not an array: {Snippet(line)}");
            foreach (var c in caps.EnumerateArray())
            {
                if (c.ValueKind == JsonValueKind.String)
                    capabilities.Add(c.GetString()!);
            }
        }
        return new QmpGreeting(major, minor, micro, package, capabilities);
    }

    private static string? Id(JsonElement root)
    {
        if (!root.TryGetProperty("id", out var id))
            return null;
        return id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText();
    }

    private static string? OptionalString(JsonElement obj, string name, ReadOnlySpan<byte> line)
    {
        if (!obj.TryGetProperty(name, out var v))
            return null;
        if (v.ValueKind != JsonValueKind.String)
            throw new QmpProtocolException($"QMP field '{name}' is not a string: {Snippet(line)}");
        return v.GetString();
    }

    private static int OptionalInt(JsonElement obj, string name, ReadOnlySpan<byte> line)
    {
        if (!obj.TryGetProperty(name, out var v))
            return 0;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value))
            throw new QmpProtocolException($"QMP field '{name}' is not an integer: {Snippet(line)}");
        return value;
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    /// <summary>The start of the offending line, printable, for error messages.</summary>
    internal static string Snippet(ReadOnlySpan<byte> line)
    {
        const int max = 120;
        var text = System.Text.Encoding.UTF8.GetString(line.Length > max ? line[..max] : line);
        var clean = new string(text.Select(c => char.IsControl(c) ? '.' : c).ToArray());
        return line.Length > max ? clean + "..." : clean;
    }
}
