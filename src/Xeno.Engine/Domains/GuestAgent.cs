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
    public static async Task<bool> TryShutdownAsync(string socketPath, bool reboot, TimeSpan timeout, TimeProvider time, CancellationToken cancel)
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
                    return false;
                seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (seen.Length > 65536)
                    return false;
            }
            var mode = reboot ? "reboot" : "powerdown";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{{\"execute\":\"guest-shutdown\",\"arguments\":{{\"mode\":\"{mode}\"}}}}\n"), linked.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            if (cancel.IsCancellationRequested)
                throw;
            return false;
        }
    }
}
