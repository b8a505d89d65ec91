using System.Net.Sockets;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Consoles;

/// <summary>
/// The hvm console (QEMU's 16550 on ttyS0): xenod makes the socket and hands QEMU its end (QMP
/// getfd, then chardev-change from the listening socket of the command line), with a send buffer
/// that holds tens of thousands of the one-byte writes the 16550 makes. Why: when the console
/// socket is full, the 16550 retries the byte, QEMU 7.2 logs it again on every try, and the
/// guest's polling console driver overwrites the next ones meanwhile, so a xenod a few hundred
/// bytes behind (a loaded host; a default buffer holds about 280 such writes) made the log
/// double and lose bytes. A domain whose QEMU refuses the swap keeps the listening socket.
/// </summary>
internal sealed class HandedConsoleUpstream(Domain domain, Action<string> log) : IConsoleUpstream
{
    /// <summary>QEMU's side's send buffer (the kernel doubles it): ~43,000 one-byte writes, 32 MiB at most, taken only while xenod lags.</summary>
    internal const int SendBufferBytes = 16 << 20;
    private const int SolSocket = 1, SoSndBufForce = 32; // asm-generic/socket.h
    private const string FdName = "xeno-console";
    private readonly PathConsoleUpstream _listening = new(domain.Files.ConsoleSocket);
    private bool _refused;

    public async Task<Socket> ConnectAsync(CancellationToken cancel)
    {
        if (_refused)
            return await _listening.ConnectAsync(cancel).ConfigureAwait(false);
        var d = domain;
        if (d.Qemu is not { } q)
            throw new IOException("QEMU is not running");
        var (ours, theirs) = Xeno.Qemu.Interop.UnixRights.CreatePair();
        try
        {
            using (theirs)
            {
                GrowSendBuffer(theirs);
                await QmpCall.RunAsync(d, q, (c, t) => c.PassFdAsync(FdName, theirs.SafeHandle, t), cancel).ConfigureAwait(false);
            }
            await QmpCall.RunAsync(d, q, (c, t) => c.ChangeChardevToSocketAsync(QemuCommandLine.ConsoleChardevId, FdName, d.Files.ConsoleLog, t),
                cancel).ConfigureAwait(false);
            return ours;
        }
        catch (QmpCommandException e)
        {
            ours.Dispose();
            _refused = true;
            log($"Domain {d.Domid}: console stays on QEMU's listening socket: QEMU refused to swap it: {e.Message}");
            try { await q.Qmp.CloseFdAsync(FdName, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception closing) when (closing is QmpException or ObjectDisposedException) { }
            return await _listening.ConnectAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or EngineException or ObjectDisposedException)
        {
            ours.Dispose();
            throw new IOException($"QEMU's monitor: {e.Message}", e);
        }
        catch
        {
            ours.Dispose();
            throw;
        }
    }

    /// <summary>SO_SNDBUFFORCE (root; xenod is) goes past net.core.wmem_max; without it, as far as wmem_max allows.</summary>
    private static void GrowSendBuffer(Socket socket)
    {
        try
        {
            socket.SetRawSocketOption(SolSocket, SoSndBufForce, BitConverter.GetBytes(SendBufferBytes));
        }
        catch (SocketException)
        {
            socket.SendBufferSize = SendBufferBytes;
        }
    }
}
