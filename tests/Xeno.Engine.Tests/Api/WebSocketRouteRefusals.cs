using System.Text.Json.Nodes;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>What xenod's WebSocket routes (console attach, VNC) answer before any upgrade, checked alike for each.</summary>
internal static class WebSocketRouteRefusals
{
    public static string ApiSocket(Xenod x) => Path.Combine(x.Prefix, "run/xeno/xenod.sock");

    /// <summary>A plain GET of <paramref name="path"/>, no upgrade asked: 400, kind invalid, an error that names WebSocket.</summary>
    public static async Task APlainRequestIsToldToUpgradeAsync(Xenod x, string path, CancellationToken ct)
    {
        using var http = new HttpClient(XenodSocket.CreateHandler(ApiSocket(x))) { BaseAddress = XenodSocket.BaseAddress };
        using var response = await http.GetAsync(path, ct);
        Assert.Equal(400, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("invalid", body["kind"]!.GetValue<string>());
        Assert.Contains("WebSocket", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The typed client's attach to a domain "nosuch" that is not there fails with xl's text for it.</summary>
    public static async Task AMissingDomainIsNamedAsync(Func<Task> attachNosuch)
    {
        var e = await Assert.ThrowsAsync<XenodException>(attachNosuch);
        Assert.Equal((ApiErrorKind.NotFound, "nosuch is an invalid domain identifier (rc=-6)"), (e.Kind, e.Message));
    }
}
