using System.Runtime.CompilerServices;
using System.Text.Json;
using Xeno.Config.Domain;

namespace Xeno.Engine.Api;

/// <summary>
/// A domain's config as the API's <c>config</c> object (DomainSpecJson of its spec under its
/// current name). Writing and re-parsing it was most of what GET /v1/domains spent per domain,
/// yet a spec is immutable and changes only by replacement (rename, rename-restart, device
/// changes): the element is kept per spec instance and rebuilt when the instance or the name
/// differs. A parsed JsonElement is read-only, so requests share it.
/// </summary>
internal static class DomainConfigJson
{
    private sealed record Entry(string Name, JsonElement Config);

    private static readonly ConditionalWeakTable<DomainSpec, Entry> Cache = [];

    public static JsonElement Of(DomainSpec spec, string name)
    {
        if (Cache.TryGetValue(spec, out var entry) && entry.Name == name)
            return entry.Config;
        var config = JsonElement.Parse(DomainSpecJson.Write(spec with { Name = name }));
        Cache.AddOrUpdate(spec, new Entry(name, config));
        return config;
    }
}
