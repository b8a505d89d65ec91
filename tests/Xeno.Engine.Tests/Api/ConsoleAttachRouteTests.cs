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

    private string Socket => WebSocketRouteRefusals.ApiSocket(_x);

    [Fact]
    public async Task APlainRequestIsToldToUpgrade()
    {
        await WebSocketRouteRefusals.APlainRequestIsToldToUpgradeAsync(_x, "/v1/domains/nosuch/console/attach", Ct);
    }

    [Fact]
    public async Task TheTypedClientNamesAMissingDomainAndAMissingXenod()
    {
        using var client = new XenodClient(Socket);
        await WebSocketRouteRefusals.AMissingDomainIsNamedAsync(() => client.AttachConsoleAsync("nosuch", Ct));
        await WebSocketRouteRefusals.AMissingDomainIsNamedAsync(() => client.AttachConsoleOnThreadAsync("nosuch", Ct));

        using var gone = new XenodClient(Path.Combine(_x.Root, "no.sock"));
        foreach (var attach in new Func<Task>[] { () => gone.AttachConsoleAsync("web", Ct), () => gone.AttachConsoleOnThreadAsync("web", Ct) })
        {
            var down = await Assert.ThrowsAsync<XenodException>(attach);
            Assert.Equal(ApiErrorKind.Unreachable, down.Kind);
            Assert.Contains("no such socket", down.Message, StringComparison.Ordinal);
        }
    }
}
