using System.Net.Sockets;
using System.Text;

namespace Xeno.Engine.Domains;

/// <summary>
/// The PV control interface: the QEMU guest agent on the virtio-serial channel
/// (org.qemu.guest_agent.0). A guest without an agent does not answer guest-sync in time,
/// which xl reports as "PV control interface not available".
/// </summary>
internal static class GuestAgent
{
    /// <summary>Sends guest-shutdown (mode powerdown or reboot) if an agent answers; false when none does.</summary>
    public static Task<bool> TryShutdownAsync(string socketPath, bool reboot, TimeSpan timeout, TimeProvider time, CancellationToken cancel) =>
        TrySendAsync(socketPath, $"{{\"execute\":\"guest-shutdown\",\"arguments\":{{\"mode\":\"{(reboot ? "reboot" : "powerdown")}\"}}}}", timeout, time, cancel);

    /// <summary>
    /// Sends one command (a JSON text) once an agent has answered guest-sync; false when none
    /// answers in time. The command's own answer is not awaited: the guest acts on it by itself.
    /// </summary>
    public static async Task<bool> TrySendAsync(string socketPath, string command, TimeSpan timeout, TimeProvider time, CancellationToken cancel) =>
        await TryExecuteAsync(socketPath, command, awaitAnswer: false, timeout, time, cancel) is not null;

    /// <summary>
    /// Sends one command once an agent answered guest-sync and, with <paramref name="awaitAnswer"/>,
    /// returns the agent's answer line (null when no agent answered in time). Without it the
    /// answer is "" once the command is sent.
    /// </summary>
    public static async Task<string?> TryExecuteAsync(string socketPath, string command, bool awaitAnswer, TimeSpan timeout, TimeProvider time, CancellationToken cancel)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, limit.Token);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), linked.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            long id = Random.Shared.NextInt64(1, long.MaxValue);
            var sync = Encoding.ASCII.GetBytes($"{{\"execute\":\"guest-sync\",\"arguments\":{{\"id\":{id}}}}}\n");
            await stream.WriteAsync(sync, linked.Token);
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                int n = await stream.ReadAsync(buffer, linked.Token);
                if (n == 0)
                    return null;
                seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (seen.Length > 65536)
                    return null;
            }
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), linked.Token);
            if (!awaitAnswer)
                return "";
            // The answer is the first whole line after the sync answer's line.
            var text = seen.ToString();
            int syncEnd = text.IndexOf('\n', text.IndexOf(id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            var rest = new StringBuilder(syncEnd < 0 ? "" : text[(syncEnd + 1)..]);
            while (!rest.ToString().Contains('\n', StringComparison.Ordinal))
            {
                int n = await stream.ReadAsync(buffer, linked.Token);
                if (n == 0 || rest.Length > 65536)
                    return null;
                rest.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
            var all = rest.ToString();
            return all[..all.IndexOf('\n', StringComparison.Ordinal)];
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            if (cancel.IsCancellationRequested)
                throw;
            return null;
        }
    }
}
