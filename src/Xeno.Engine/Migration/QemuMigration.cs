using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Migration;

/// <summary>
/// QEMU 7.2's migration over QMP, the part save, restore and (later) migrate share: send the
/// state to a URI (migrate) or take it from one (migrate-incoming on a QEMU started with
/// -incoming defer), then follow query-migrate until it completed or failed, under a deadline;
/// a cancelled or late send is stopped with migrate_cancel.
/// </summary>
internal static class QemuMigration
{
    /// <summary>
    /// How often query-migrate is asked while QEMU sends. The sending QEMU also reports each change
    /// of its migration's status as a MIGRATION event (capability "events"), which the domain's
    /// monitor hands on (<see cref="Devices.DeviceEvents"/>): the end is seen at once, and the poll is
    /// only the fallback. A query costs QEMU microseconds.
    /// </summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How often the receiving side asks. Its events cannot be used: the domain's monitor (their one
    /// reader) starts only once the state is in. The guest waits for this poll at the end of a live
    /// migration (the target's "ready" follows its QEMU's completion), so it is short; the incoming
    /// QEMU reads the stream in its main loop and answers a query between two reads.
    /// </summary>
    private static readonly TimeSpan IncomingPollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>The name QEMU knows a handed-over migration channel by (getfd, then "fd:" + name).</summary>
    public const string ChannelFdName = "xeno-migration";

    /// <summary>
    /// Gives QEMU the migration channel xl handed to xenod (QMP getfd), returning the URI that
    /// names it. xenod's copy is closed here either way: from now on only QEMU (and the xl that
    /// owns the channel and keeps off it) holds it, so its end is QEMU's to make.
    /// </summary>
    public static async Task<string> HandChannelAsync(Domain d, QemuInstance q, Microsoft.Win32.SafeHandles.SafeFileHandle channel, CancellationToken cancel)
    {
        using (channel)
            await QmpCall.RunAsync(d, q, (c, t) => c.PassFdAsync(ChannelFdName, channel, t), cancel);
        return "fd:" + ChannelFdName;
    }

    /// <summary>QEMU runs exec: URIs with /bin/sh -c: a path in single quotes, its own quotes escaped.</summary>
    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>QEMU 7.2 has no file: URI (8.2 has): the stream is appended to the file by cat.</summary>
    public static string AppendToFileUri(string path) => "exec:cat >> " + ShellQuote(path);

    /// <summary>The QEMU record of a save file: exactly its bytes, from its offset.</summary>
    public static string ReadRangeUri(string path, long offset, long length) =>
        FormattableString.Invariant($"exec:dd if={ShellQuote(path)} bs=1M iflag=skip_bytes,count_bytes skip={offset} count={length} status=none");

    /// <param name="atSwitchover">
    /// With QEMU's pause-before-switchover capability on: run at that pause (the guest stopped,
    /// the last state not yet sent), then migrate-continue; its failure cancels the migration.
    /// </param>
    /// <returns>QEMU's last query-migrate reply (status completed: its figures).</returns>
    public static async Task<JsonElement> SendAsync(Domain d, QemuInstance q, string uri, TimeSpan timeout, CancellationToken cancel,
        Func<CancellationToken, Task>? atSwitchover = null)
    {
        await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("migrate-set-capabilities", new JsonObject
        {
            ["capabilities"] = new JsonArray(new JsonObject { ["capability"] = "events", ["state"] = true }),
        }, t), cancel);
        await StartAsync(d, q, "migrate", uri, cancel);
        try
        {
            return await WaitAsync(d, q, timeout, PollInterval, d.DeviceEvents, cancel, atSwitchover);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException || (atSwitchover is not null && e is EngineException or QmpException))
        {
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("migrate_cancel", null, t), CancellationToken.None);
            }
            catch (Exception ce) when (ce is QmpException or EngineException)
            {
            }
            throw;
        }
    }

    public static async Task ReceiveAsync(Domain d, QemuInstance q, string uri, TimeSpan timeout, CancellationToken cancel)
    {
        await StartAsync(d, q, "migrate-incoming", uri, cancel);
        await WaitAsync(d, q, timeout, IncomingPollInterval, events: null, cancel);
    }

    /// <summary>
    /// migrate or migrate-incoming. QEMU takes a handed-over channel (fd:) out of its monitor's
    /// list only when the migration starts: if the command fails, the channel is closed in QEMU
    /// (closefd) so the other side sees its end instead of a channel held open by nobody using it.
    /// </summary>
    private static async Task StartAsync(Domain d, QemuInstance q, string command, string uri, CancellationToken cancel)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync(command, new JsonObject { ["uri"] = uri }, t), cancel);
        }
        catch (Exception) when (uri.StartsWith("fd:", StringComparison.Ordinal))
        {
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("closefd", new JsonObject { ["fdname"] = uri[3..] }, t), CancellationToken.None);
            }
            catch (Exception ce) when (ce is QmpException or EngineException)
            {
                // Already taken by the command (it failed later) or QEMU gone: nothing holds it then.
            }
            throw;
        }
    }

    /// <summary>
    /// Follows query-migrate to "completed" (returning that reply); "failed" or "cancelled" become an
    /// EngineException with QEMU's reason. With <paramref name="events"/>, a MIGRATION event ends the wait for the next query early.
    /// </summary>
    private static async Task<JsonElement> WaitAsync(Domain d, QemuInstance q, TimeSpan timeout, TimeSpan interval,
        Devices.DeviceEvents? events, CancellationToken cancel, Func<CancellationToken, Task>? atSwitchover = null)
    {
        bool switched = false;
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, deadline.Token);
        while (true)
        {
            // Registered before the query: a change of status after it cannot slip past.
            using var changed = events?.Expect(e => e.Name == "MIGRATION");
            var reply = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-migrate", null, t), cancel);
            var (status, error) = Status(reply);
            switch (status)
            {
                case "completed":
                    return reply;
                case "failed" or "cancelled":
                    throw new EngineException(EngineErrorKind.Failed,
                        $"QEMU's migration stream {status}{(error is null ? "" : ": " + error)}");
                case "pre-switchover" when atSwitchover is not null && !switched:
                    switched = true;
                    await atSwitchover(linked.Token);
                    await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("migrate-continue", new JsonObject { ["state"] = "pre-switchover" }, t), cancel);
                    continue;
            }
            var delay = Task.Delay(interval, linked.Token);
            await Task.WhenAny(changed?.Happened ?? delay, delay);
            if (linked.IsCancellationRequested)
            {
                if (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
                    throw new TimeoutException($"QEMU's migration stream did not finish within {timeout.TotalSeconds:0} s (status {status})");
                cancel.ThrowIfCancellationRequested();
            }
        }
    }

    internal static (string Status, string? Error) Status(JsonElement reply)
    {
        string status = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()!
            : "none";
        string? error = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("error-desc", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;
        return (status, error);
    }
}
