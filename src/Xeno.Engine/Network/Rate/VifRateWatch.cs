using System.Net.Sockets;
using System.Text;
using Xeno.Engine.Domains;
using Xeno.Engine.Network.Filtering;
using Xeno.Network.Planning;
using Xeno.Network.Rate;
using Xeno.Store.Wire;

namespace Xeno.Engine.Network.Rate;

/// <summary>
/// Xen's netback watches each vif backend's <c>rate</c> node, so an admin changes a running
/// guest's limit with <c>xenstore-write /local/domain/0/backend/vif/&lt;domid&gt;/&lt;devid&gt;/rate
/// &lt;bytes&gt;,&lt;usecs&gt;</c>. xenod does the same: one xenstore watch on every vif backend (its
/// own connection to the embedded xenstored, as any client), and on a rate node's event the vif's
/// transmit table is replaced in one nft transaction (anti-spoofing kept), or removed when
/// nothing is left to enforce. Only vifs whose tap the running domain owns are touched: a late
/// event for a destroyed domain finds no domain or no tap and does nothing.
/// </summary>
internal sealed class VifRateWatch : IAsyncDisposable
{
    private const string Token = "xenod-vif-rate";
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Store.XenstoreWriter _reader;
    private readonly Func<int, Domain?> _find;
    private readonly EngineLog _log;
    private readonly Task _loop;

    private VifRateWatch(string socketPath, Func<int, Domain?> find, EngineLog log)
    {
        _find = find;
        _log = log;
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _stream = new NetworkStream(_socket, ownsSocket: true);
        // Reads go over a second connection: on this one, replies and watch events interleave.
        _reader = new Store.XenstoreWriter(socketPath);
        _stream.Write(XsMessage.Create(XsMessageType.Watch, 1, 0, BackendRateNode.WatchRoot, Token).ToBytes());
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Sets the watch; events are handled one at a time, in order, until disposed.</summary>
    public static VifRateWatch Start(string socketPath, Func<int, Domain?> find, EngineLog log) => new(socketPath, find, log);

    private async Task LoopAsync()
    {
        var head = new byte[XsHeader.Size];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(head);
                var h = XsHeader.Read(head);
                if (h.Length > XsHeader.PayloadMax)
                    throw new IOException($"xenstored sent {h.Length} bytes in one message");
                var body = new byte[h.Length];
                await _stream.ReadExactlyAsync(body);
                if (h.Type == (uint)XsMessageType.Error)
                    _log.Info($"vif rate watch: xenstored refused the watch: {Encoding.UTF8.GetString(body).TrimEnd('\0')}");
                else if (h.Type == (uint)XsMessageType.WatchEvent)
                    await OnEventAsync(Encoding.UTF8.GetString(body).Split('\0')[0]);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
        {
            // Disposed, or xenstored went away with xenod.
            _log.Info($"vif rate watch ended: {e.Message}");
        }
    }

    private async Task OnEventAsync(string path)
    {
        if (BackendRateNode.Parse(path) is not var (domid, devid))
            return;
        try
        {
            await ApplyAsync(domid, devid, path);
        }
        catch (Exception e)
        {
            // Whatever went wrong with one event, the watch goes on for the next.
            _log.Info($"Domain {domid}: vif {devid}: new rate not applied: {e.Message}");
        }
    }

    private async Task ApplyAsync(int domid, int devid, string path)
    {
        var d = _find(domid);
        var vif = d?.Spec.Vifs.FirstOrDefault(v => v.Devid == devid);
        if (d is null || vif is null || d.Phase is DomainPhase.Creating or DomainPhase.Dying)
            return;
        var plan = VifPlanner.Plan(vif, domid, d.Spec.Kind);
        // An admin's own script= owns its vif's host side; xenod's filter is not there to replace.
        if (plan.Mode == VifMode.CustomScript || !d.Network.Taps.Contains(plan.TapName) || !Directory.Exists("/sys/class/net/" + plan.TapName))
            return;
        var (policy, error) = BackendRateNode.PolicyFor(plan, _reader.ReadValue(path));
        if (policy.IsEmpty)
        {
            if (await VifTransmitFilter.ExistsAsync(plan.TapName)) await VifTransmitFilter.RemoveAsync(plan.TapName);
        }
        else
        {
            await VifTransmitFilter.ApplyAsync(policy);
        }
        _log.Info($"Domain {domid} ({d.Name}): vif {devid} {plan.TapName}: transmit rate now {policy.Rate?.ToString() ?? "unlimited"}{(error is null ? "" : $" ({error})")}");
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Shutdown(SocketShutdown.Both);
        await _stream.DisposeAsync();
        try
        {
            // The loop ends on the closed socket; an event being applied finishes first.
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _log.Info("vif rate watch: an event was still being applied at shutdown");
        }
        _reader.Dispose();
    }
}
