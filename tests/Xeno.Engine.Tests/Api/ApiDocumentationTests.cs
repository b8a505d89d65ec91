using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// The route table, the server, the OpenAPI document and docs/api.md agree: every route the
/// server maps is in the table and documented, and every field of a contract type is documented.
/// </summary>
public sealed class ApiDocumentationTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Docs => File.ReadAllText(Path.Combine(GuestKit.RepoRoot(), "docs", "api.md"));

    [Fact]
    public void TheServerMapsExactlyTheRouteTable()
    {
        var mapped = _x.Host!.Api.MappedRoutes.Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal);
        Assert.Equal(ApiRoutes.All.Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal), mapped);
    }

    [Fact]
    public void EveryMappedRouteIsDocumented()
    {
        var docs = Docs;
        var missing = _x.Host!.Api.MappedRoutes.Select(r => $"`{r.Method} {r.Path}`").Where(r => !docs.Contains(r, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not in docs/api.md: " + string.Join(", ", missing));
    }

    /// <summary>Every contract type a route reads or answers, with the contract types inside it.</summary>
    private static IEnumerable<JsonTypeInfo> ContractTypes()
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(ApiRoutes.All.SelectMany(r => new[] { r.Request, r.Response }).OfType<Type>().Append(typeof(ApiError)));
        while (queue.TryDequeue(out var type))
        {
            var info = ApiJsonContext.Default.GetTypeInfo(type)!;
            if (info.ElementType is { } element)
                queue.Enqueue(element);
            if (info.Kind != JsonTypeInfoKind.Object || !seen.Add(type))
                continue;
            yield return info;
            foreach (var p in info.Properties)
                queue.Enqueue(p.PropertyType);
        }
    }

    [Fact]
    public void EveryFieldOfEveryContractIsDocumented()
    {
        var docs = Docs;
        var missing = ContractTypes()
            .SelectMany(t => t.Properties.Select(p => (Type: t.Type.Name, p.Name)))
            .Where(f => !docs.Contains($"\"{f.Name}\"", StringComparison.Ordinal) && !docs.Contains($"`{f.Name}`", StringComparison.Ordinal))
            .Select(f => $"{f.Type}.{f.Name}")
            .ToList();
        Assert.True(missing.Count == 0, "fields not in docs/api.md: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task TheOpenapiDocumentIsServedWithEveryRouteAndContractSchema()
    {
        using var http = new HttpClient(XenodSocket.CreateHandler(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"))) { BaseAddress = XenodSocket.BaseAddress };
        using var response = await http.GetAsync("/v1/openapi.json", Ct);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("3.1.0", doc["openapi"]!.GetValue<string>());
        foreach (var route in ApiRoutes.All)
            Assert.NotNull(doc["paths"]![route.Path]![route.Method.ToLowerInvariant()]);
        var schemas = doc["components"]!["schemas"]!.AsObject();
        foreach (var type in ContractTypes())
        {
            var schema = schemas[type.Type.Name];
            Assert.NotNull(schema);
            foreach (var p in type.Properties)
                Assert.NotNull(schema!["properties"]![p.Name]);
        }
        // Enum strings as the serializer writes them; nested records are references.
        Assert.Contains("not_found", schemas["ApiError"]!["properties"]!["kind"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/ConsoleInfo", schemas["DomainInfo"]!["properties"]!["console"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/CreateDomainRequest",
            doc["paths"]!["/v1/domains"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheTypedClientReadsEveryAnswerOfAXenodWithoutGuests()
    {
        using var client = new XenodClient(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"));
        Assert.Empty(await client.ListDomainsAsync(Ct));
        Assert.True((await client.GetHostAsync(Ct)).NrCpus > 0);
        Assert.NotEmpty((await client.GetLogAsync(Ct)).Lines);
        var e = await Assert.ThrowsAsync<XenodException>(() => client.GetDomainAsync("nosuch", Ct));
        Assert.Equal((ApiErrorKind.NotFound, 404), (e.Kind, e.Status));
        var bad = await Assert.ThrowsAsync<XenodException>(() => client.SetMemoryTargetAsync("nosuch", 1, Ct));
        Assert.Equal(ApiErrorKind.NotFound, bad.Kind);
        using var gone = new XenodClient(Path.Combine(_x.Root, "no.sock"));
        Assert.Equal(ApiErrorKind.Unreachable, (await Assert.ThrowsAsync<XenodException>(() => gone.GetHostAsync(Ct))).Kind);
    }
}
