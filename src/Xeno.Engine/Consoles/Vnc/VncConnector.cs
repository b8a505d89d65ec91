using System.Globalization;
using System.Net.Sockets;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Interop;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Consoles.Vnc;

/// <summary>
/// A connection to an hvm domain's VNC server that no network listener serves: xenod makes a
/// socket pair, hands one end to QEMU (QMP getfd with SCM_RIGHTS, then add_client) and keeps the
/// other, which then carries the RFB protocol from the server's greeting on. The display's
/// password is skipped (skipauth): only root reaches xenod's API, and the panel checks its
/// viewers itself. Not run through the domain's supervisor: it changes nothing of the domain.
/// </summary>
internal sealed class VncConnector(DomainRegistry registry)
{
    private static long _next;

    public async Task<Socket> ConnectAsync(string idOrName, CancellationToken cancel)
    {
        var d = registry.Find(idOrName).Domain;
        if (d.Spec.Hvm is not { } hvm)
            throw new EngineException(EngineErrorKind.Invalid, $"Domain {d.Domid} is not an hvm guest: it has no graphical console (xl console shows its text console)");
        if (!d.Spec.Vnc.Enabled || hvm.Vga == "none" || hvm.Nographic)
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} has no VNC display (its config sets vnc=0, vga=\"none\" or nographic=1)");
        if (d.Qemu is not { } q)
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");

        var (ours, theirs) = UnixRights.CreatePair();
        string name = "xeno-vnc-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        try
        {
            using (theirs)
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.PassFdAsync(name, theirs.SafeHandle, t), cancel);
            }
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.AddClientAsync("vnc", name, skipAuth: true, t), cancel);
            }
            catch (QmpCommandException)
            {
                // QEMU kept the descriptor under its name: drop it so it does not pile up.
                try { await q.Qmp.CloseFdAsync(name, CancellationToken.None); }
                catch (Exception e) when (e is QmpException or ObjectDisposedException) { }
                throw;
            }
            return ours;
        }
        catch (QmpCommandException e)
        {
            ours.Dispose();
            throw new EngineException(EngineErrorKind.Failed, $"Domain {d.Domid}: QEMU refused the VNC connection: {e.Message}", e);
        }
        catch (Exception e) when (e is QmpDisconnectedException or ObjectDisposedException)
        {
            ours.Dispose();
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is going away: its QEMU closed the monitor", e);
        }
        catch
        {
            ours.Dispose();
            throw;
        }
    }
}
