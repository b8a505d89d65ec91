using System.Text.Json.Nodes;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// GET /v1/domains/{dom}/console/attach's refusals, before any upgrade (a guest's console over
/// it is tested with a real guest through xeno-panel, tests/Xeno.Panel.Tests/InBrowser).
/// </summary>
public sealed class ConsoleAttachRouteTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Socket => Path.Combine(_x.Prefix, "run/xeno/xenod.sock");

    [Fact]
    public async Task APlainRequestIsToldToUpgrade()
    {
        using var http = new HttpClient(XenodSocket.CreateHandler(Socket)) { BaseAddress = XenodSocket.BaseAddress };
        using var response = await http.GetAsync("/v1/domains/nosuch/console/attach", Ct);
        Assert.Equal(400, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("invalid", body["kind"]!.GetValue<string>());
        Assert.Contains("WebSocket", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTypedClientNamesAMissingDomainAndAMissingXenod()
    {
        using var client = new XenodClient(Socket);
        var e = await Assert.ThrowsAsync<XenodException>(() => client.AttachConsoleAsync("nosuch", Ct));
        Assert.Equal((ApiErrorKind.NotFound, "nosuch is an invalid domain identifier (rc=-6)"), (e.Kind, e.Message));

        using var gone = new XenodClient(Path.Combine(_x.Root, "no.sock"));
        var down = await Assert.ThrowsAsync<XenodException>(() => gone.AttachConsoleAsync("web", Ct));
        Assert.Equal(ApiErrorKind.Unreachable, down.Kind);
        Assert.Contains("no such socket", down.Message, StringComparison.Ordinal);
    }
}
