using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// Reads a request body (untrusted bytes) into its contract type. Anything wrong (too large,
/// not JSON, a missing, unknown or mistyped field, a number out of range) becomes an "invalid"
/// error whose message names the field.
/// </summary>
internal static partial class ApiRequestBody
{
    /// <summary>A domain's JSON is a few KiB; this leaves room and bounds what a client can make xenod hold.</summary>
    public const int MaxBytes = 1 << 20;

    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> info, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBytes)
                throw Invalid($"request body is larger than {MaxBytes} bytes");
        }
        return Parse(buffer.ToArray(), info);
    }

    /// <summary>An empty body is the empty object: every field at its default.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> info)
    {
        if (body.IsEmpty)
            body = "{}"u8;
        // Syntax first, so "not JSON" is told apart from "JSON of the wrong shape".
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = info.Options.MaxDepth });
        try
        {
            // The whole body is the final block: a cut-off value or a second one throws here.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw Invalid($"request body is not JSON: {Reason(e.Message)}");
        }
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, info);
        }
        catch (JsonException e)
        {
            throw Invalid(Describe(e, info));
        }
        return value ?? throw Invalid("request body must be a JSON object");
    }

    /// <summary>System.Text.Json's message rewritten for a client: which field, what is wrong.</summary>
    internal static string Describe(JsonException e, JsonTypeInfo info)
    {
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
            return $"request has no \"{missing.Groups[1].Value}\"";
        if (Unmapped().Match(e.Message) is { Success: true } unknown)
            return $"request field \"{unknown.Groups[1].Value}\" is not known";
        string field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        string reason = Reason(e.Message);
        if (NullRefused().IsMatch(reason))
            reason = "must not be null";
        else if (reason.Contains("could not be converted", StringComparison.Ordinal))
            // The message names the enclosing record; the field's own type says what was expected.
            reason = field.Length == 0 ? "must be a JSON object"
                : FieldType(info, field) is { } type ? "must be " + Expected(type) : "has the wrong type";
        return field.Length > 0 ? $"request field \"{field}\" {reason}" : $"request body {reason}";
    }

    /// <summary>The type of the field at a path such as "hard[1]" or "spec" (null when the path leads nowhere known).</summary>
    private static Type? FieldType(JsonTypeInfo info, string path)
    {
        Type? type = null;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            int bracket = part.IndexOf('[');
            string name = bracket < 0 ? part : part[..bracket];
            var property = info.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
                return null;
            type = property.PropertyType;
            info = info.Options.GetTypeInfo(type);
            if (bracket >= 0 && info.ElementType is { } element)
            {
                type = element;
                info = info.Options.GetTypeInfo(element);
            }
        }
        return type;
    }

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => "a whole number from -2147483648 to 2147483647" + (t != type ? ", or null" : ""),
        var t when t == typeof(long) => "a whole number from -9223372036854775808 to 9223372036854775807" + (t != type ? ", or null" : ""),
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(string) => "a string",
        var t when t.IsAssignableTo(typeof(System.Collections.IEnumerable)) => "an array of whole numbers, or null",
        var t => "a JSON value of type " + t.Name,
    };

    /// <summary>The message without System.Text.Json's " Path: … | LineNumber: …" tail.</summary>
    private static string Reason(string message)
    {
        int at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at < 0)
            at = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).TrimEnd('.', ' ', '|');
    }

    private static EngineException Invalid(string message) => new(EngineErrorKind.Invalid, message);

    [GeneratedRegex("missing required properties including: '([^']*)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex("doesn't allow (setting|getting) null values")]
    private static partial Regex NullRefused();
}
