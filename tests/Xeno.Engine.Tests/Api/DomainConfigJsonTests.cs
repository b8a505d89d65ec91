using System.Text.Json;
using Xeno.Config.Domain;
using Xeno.Engine.Api;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Api;

/// <summary>The API's config object is DomainSpecJson of the spec under the domain's current name, however it is cached.</summary>
public sealed class DomainConfigJsonTests
{
    private static string Expected(DomainSpec spec, string name) =>
        JsonElement.Parse(DomainSpecJson.Write(spec with { Name = name })).GetRawText();

    [Fact]
    public void TheConfigFollowsTheSpecInstanceAndTheName()
    {
        foreach (var sample in Specs.Samples)
        {
            var spec = Specs.From(sample);
            Assert.Equal(Expected(spec, spec.Name), DomainConfigJson.Of(spec, spec.Name).GetRawText());
            Assert.Equal(Expected(spec, spec.Name), DomainConfigJson.Of(spec, spec.Name).GetRawText()); // from the cache
            // Renamed: the same spec instance under another name.
            Assert.Equal(Expected(spec, "renamed"), DomainConfigJson.Of(spec, "renamed").GetRawText());
            Assert.Equal("renamed", DomainConfigJson.Of(spec, "renamed").GetProperty("name").GetString());
            // A replaced spec (a device change, a new UUID on rename-restart): its own content.
            var changed = spec with { Uuid = Guid.NewGuid(), MemoryMiB = spec.MemoryMiB + 4 };
            Assert.Equal(Expected(changed, "renamed"), DomainConfigJson.Of(changed, "renamed").GetRawText());
            Assert.Equal(Expected(spec, "renamed"), DomainConfigJson.Of(spec, "renamed").GetRawText());
        }
    }

    [Fact]
    public void ConcurrentRequestsGetTheSameText()
    {
        var spec = Specs.From(Specs.Samples[0]);
        var expected = Expected(spec, "x");
        Parallel.For(0, 64, i =>
        {
            var name = i % 2 == 0 ? "x" : "y";
            var config = DomainConfigJson.Of(spec, name);
            Assert.Equal(name, config.GetProperty("name").GetString());
            if (name == "x") Assert.Equal(expected, config.GetRawText());
        });
    }
}
