using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Xeno.Api.Contracts;

namespace Xeno.Api.OpenApi;

/// <summary>
/// The API's OpenAPI 3.1 document, built from <see cref="ApiRoutes.All"/> and the contract
/// types' source-generated metadata (JsonSchemaExporter: the schemas are the wire format the
/// serializer really uses, names and enum strings included). Pure: no I/O.
/// </summary>
public static class OpenApiDocument
{
    private const string Ref = "#/components/schemas/";

    public static JsonObject Build(string version)
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new JsonObject();
        foreach (var group in ApiRoutes.All.GroupBy(r => r.Path))
        {
            var item = new JsonObject();
            foreach (var route in group)
                item[route.Method.ToLowerInvariant()] = Operation(route, schemas);
            paths[group.Key] = item;
        }
        Schema(typeof(ApiError), schemas);
        var components = new JsonObject();
        foreach (var (name, schema) in schemas)
            components[name] = schema;
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "xenod API",
                ["version"] = version,
                ["description"] = "HTTP/1.1 + JSON on the unix socket <prefix>/run/xeno/xenod.sock (docs/api.md).",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = components },
        };
    }

    private static JsonObject Operation(ApiRoute route, SortedDictionary<string, JsonNode> schemas)
    {
        var op = new JsonObject
        {
            ["summary"] = route.Summary,
            ["operationId"] = OperationId(route),
        };
        if (route.Path.Contains("{dom}", StringComparison.Ordinal))
        {
            op["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "dom", ["in"] = "path", ["required"] = true,
                ["description"] = "A domain id (all digits) or a domain name",
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }
        if (route.Request is { } request)
        {
            op["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = Json(Schema(request, schemas)),
            };
        }
        var responses = new JsonObject
        {
            [route.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = "Success",
                ["content"] = route.Response is { } r
                    ? Json(Schema(r, schemas))
                    : new JsonObject { [route.ContentType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = route.ContentType == "application/json" ? "object" : "string" } } },
            },
        };
        var error = new JsonObject { ["$ref"] = Ref + nameof(ApiError) };
        responses["default"] = new JsonObject
        {
            ["description"] = "An error: kind invalid (400), not_found (404), conflict or no_paravirt (409), failed (500), not_responding (504)",
            ["content"] = Json(error),
        };
        op["responses"] = responses;
        return op;
    }

    private static string OperationId(ApiRoute route)
    {
        var words = route.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(w => w.Trim('{', '}').Replace(".", "_", StringComparison.Ordinal));
        return route.Method.ToLowerInvariant() + "_" + string.Join('_', words);
    }

    private static JsonObject Json(JsonNode schema) => new()
    {
        ["application/json"] = new JsonObject { ["schema"] = schema },
    };

    /// <summary>A reference to the type's component schema (adding it and the contract types it holds), or an inline schema for lists.</summary>
    private static JsonNode Schema(Type type, SortedDictionary<string, JsonNode> schemas)
    {
        var info = ApiJsonContext.Default.GetTypeInfo(type)
                   ?? throw new InvalidOperationException($"{type} is not in ApiJsonContext");
        if (info.Kind != JsonTypeInfoKind.Object)
            return Export(info, schemas, isComponent: false);
        string name = type.Name;
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = new JsonObject(); // placeholder: breaks cycles
            schemas[name] = Export(info, schemas, isComponent: true);
        }
        return new JsonObject { ["$ref"] = Ref + name };
    }

    private static JsonNode Export(JsonTypeInfo info, SortedDictionary<string, JsonNode> schemas, bool isComponent)
    {
        var options = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (ctx, node) =>
            {
                // The domain JSON is Xeno.Config's format, not a contract record.
                if (ctx.TypeInfo.Type == typeof(JsonElement))
                    return new JsonObject { ["type"] = "object", ["description"] = "The domain JSON that `xl -N create` prints (docs/domain-json.md)" };
                // Nested contract records become references to their own component schema.
                bool root = ctx.Path.IsEmpty;
                if ((!root || !isComponent) && ctx.TypeInfo.Kind == JsonTypeInfoKind.Object
                    && ctx.TypeInfo.Type.Namespace == typeof(ApiError).Namespace)
                {
                    var reference = Schema(ctx.TypeInfo.Type, schemas);
                    // A nullable reference keeps its null: anyOf [ref, null].
                    if (node is JsonObject o && o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null"))
                        return new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) };
                    return reference;
                }
                return node;
            },
        };
        return info.GetJsonSchemaAsNode(options);
    }
}
