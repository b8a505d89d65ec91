using System.Net;
using System.Net.Sockets;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Api;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Events;

/// <summary>
/// GET /v1/events end to end: a real xenod (no guests), events published through its sink, read
/// over the unix socket by the client's EventStream and as raw server-sent events.
/// </summary>
public sealed class EventRouteTests
{
    private static DomainEvent Ev(int domid, string name, DomainEventKind kind = DomainEventKind.Phase) =>
        new() { Kind = kind, Domid = domid, Name = name, Phase = "running" };

    private static async Task<List<DomainEvent>> ReadAsync(EventStream stream, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var got = new List<DomainEvent>();
        while (got.Count < count)
            got.Add(await stream.ReadAsync(timeout.Token) ?? throw new InvalidOperationException($"stream ended after {got.Count} events"));
        return got;
    }

    [Fact]
    public async Task JsonLinesArriveInOrderWithTheirIdsAndResumeAfterAReconnect()
    {
        await using var x = await Xenod.StartAsync();
        var sink = x.Host!.Engine.Events;
        long before = x.Host.Events.LastId;
        await using (var stream = await EventStream.OpenAsync(x.Host.Paths.Socket, cancel: TestContext.Current.CancellationToken))
        {
            for (int i = 0; i < 5; i++)
                sink.Publish(Ev(i, "web"));
            var got = await ReadAsync(stream, 5);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => before + i), got.Select(e => e.Id));
            Assert.Equal([0, 1, 2, 3, 4], got.Select(e => e.Domid));
            Assert.Equal(before + 5, stream.LastId);
        }
        // Published while nobody listened: the next connection from the last id gets exactly those.
        for (int i = 5; i < 8; i++)
            sink.Publish(Ev(i, "web"));
        await using var again = await EventStream.OpenAsync(x.Host.Paths.Socket, after: before + 5, cancel: TestContext.Current.CancellationToken);
        sink.Publish(Ev(8, "web"));
        Assert.Equal([5, 6, 7, 8], (await ReadAsync(again, 4)).Select(e => e.Domid));
        Assert.Null(again.Lost);
    }

    [Fact]
    public async Task TheDomainFilterMatchesByDomidOrName()
    {
        await using var x = await Xenod.StartAsync();
        var sink = x.Host!.Engine.Events;
        sink.Publish(Ev(3, "a"));
        sink.Publish(Ev(4, "b"));
        sink.Publish(new DomainEvent { Kind = DomainEventKind.Renamed, Domid = 5, Name = "c", OldName = "b" });
        sink.Publish(new DomainEvent { Kind = DomainEventKind.Restarted, Domid = 3, Name = "a", NewDomid = 6 });
        await using var byName = await EventStream.OpenAsync(x.Host.Paths.Socket, after: 0, domain: "b", cancel: TestContext.Current.CancellationToken);
        Assert.Equal([4, 5], (await ReadAsync(byName, 2)).Select(e => e.Domid));
        await using var byId = await EventStream.OpenAsync(x.Host.Paths.Socket, after: 0, domain: "6", cancel: TestContext.Current.CancellationToken);
        Assert.Equal(DomainEventKind.Restarted, (await ReadAsync(byId, 1))[0].Kind);
    }

    [Fact]
    public async Task EventsStillInHistoryAreServedAfterAXenodRestartAndIdsGoOn()
    {
        await using var x = await Xenod.StartAsync();
        long before = x.Host!.Events.LastId;
        for (int i = 0; i < 4; i++)
            x.Host.Engine.Events.Publish(Ev(i, "kept"));
        await x.StopHostAsync();
        await x.StartHostAsync();
        await using var stream = await EventStream.OpenAsync(x.Host!.Paths.Socket, after: before + 1, cancel: TestContext.Current.CancellationToken);
        x.Host.Engine.Events.Publish(Ev(9, "new"));
        var got = await ReadAsync(stream, 4);
        Assert.Equal(Enumerable.Range(2, 4).Select(i => before + i), got.Select(e => e.Id));
        Assert.Equal(["kept", "kept", "kept", "new"], got.Select(e => e.Name));
    }

    [Fact]
    public async Task AnIdOlderThanHistoryIsAnnouncedInAHeaderAndAFirstMarker()
    {
        await using var x = await Xenod.StartAsync();
        x.Host!.Engine.Events.Publish(Ev(1, "a"));
        await using var stream = await EventStream.OpenAsync(x.Host.Paths.Socket, after: 1_000_000, cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(stream.Lost);
        var first = (await ReadAsync(stream, 1))[0];
        Assert.Equal(DomainEventKind.EventsLost, first.Kind);
        Assert.Equal(stream.Lost, first.Message);
    }

    [Fact]
    public async Task ABadAfterIsRefusedWithAClearError()
    {
        await using var x = await Xenod.StartAsync();
        var e = await Assert.ThrowsAsync<EventStreamException>(async () =>
        {
            using var http = Http(x.Host!.Paths.Socket);
            await EventStream.OpenAsync(http, after: -5, domain: null, TestContext.Current.CancellationToken);
        });
        Assert.Equal("after must be an event id (a number of 0 or more), not \"-5\"", e.Message);
    }

    [Fact]
    public async Task ServerSentEventsCarryAnIdLinePerEventAndLastEventIDResumes()
    {
        await using var x = await Xenod.StartAsync();
        var sink = x.Host!.Engine.Events;
        long before = x.Host.Events.LastId;
        for (int i = 0; i < 3; i++)
            sink.Publish(Ev(i, "s"));
        using var http = Http(x.Host.Paths.Socket);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events?after=0");
        request.Headers.Accept.ParseAdd("text/event-stream");
        // An EventSource reconnecting sends its last id; it wins over the URL's after=.
        request.Headers.Add("Last-Event-ID", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var lines = new List<string>();
        while (lines.Count < 6)
            lines.Add(await reader.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new InvalidOperationException("ended"));
        Assert.Equal($"id: {before + 2}", lines[0]);
        Assert.StartsWith($"data: {{\"id\":{before + 2},", lines[1], StringComparison.Ordinal);
        Assert.Equal("", lines[2]);
        Assert.Equal($"id: {before + 3}", lines[3]);
        Assert.Equal(1, EventStream.ParseLine(lines[1]["data: ".Length..]).Domid);
    }

    [Fact]
    public void TheSseFrameIsIdDataAndABlankLine()
    {
        var e = new DomainEvent { Id = 12, Kind = DomainEventKind.Destroyed, Domid = 3, Name = "web", Time = DateTimeOffset.UnixEpoch };
        string json = System.Text.Encoding.UTF8.GetString(EventRoutes.Frame(e, sse: false));
        Assert.Equal("{\"id\":12,\"time\":\"1970-01-01T00:00:00+00:00\",\"kind\":\"destroyed\",\"domid\":3,\"name\":\"web\"}\n", json);
        Assert.Equal("id: 12\ndata: " + json.TrimEnd('\n') + "\n\n", System.Text.Encoding.UTF8.GetString(EventRoutes.Frame(e, sse: true)));
    }

    [Fact]
    public async Task StoppingXenodEndsOpenStreams()
    {
        await using var x = await Xenod.StartAsync();
        var stream = await EventStream.OpenAsync(x.Host!.Paths.Socket, cancel: TestContext.Current.CancellationToken);
        await using var _ = stream;
        var stop = x.StopHostAsync();
        Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)) == stop, "xenod did not stop while a stream was open");
        Assert.Null(await stream.ReadAsync(TestContext.Current.CancellationToken));
    }

    private static HttpClient Http(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
            return new NetworkStream(s, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri("http://xenod/"), Timeout = Timeout.InfiniteTimeSpan };
}
