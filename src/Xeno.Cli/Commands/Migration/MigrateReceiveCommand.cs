using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Migration.Wire;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// `xl migrate-receive [-e] [-d] [-p]`, Xen's receiving end, talking to the sender over its own
/// stdin and stdout (ssh's or socat's): the banner, the domain's prefix, QEMU's stream fed to a
/// paused "&lt;name&gt;--incoming" domain's QEMU, then the hand-over: ready, permission, rename to
/// &lt;name&gt;, unpause, the report. Any failure destroys the incoming copy; the sender resumes its own.
/// </summary>
public static class MigrateReceiveCommand
{
    public static readonly XlCommand MigrateReceive = new(
        "migrate-receive", Run, Modifies: true, CanDryRun: false, "Restore a domain from a saved state",
        // Xen's usage and help: internal, no options listed (it takes -e, -d, -p from the sender's rune).
        "- for internal use only", null);

    private static readonly TimeSpan SocketWait = TimeSpan.FromSeconds(60);

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, MigrateReceive, "Fedp", [], args, 0, out var exit);
        if (p is null) return exit;
        bool pause = p.Options.Any(o => o.Option == 'p');
        // The channel is this process's own stdin and stdout, as bytes.
        using var input = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        using var output = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return DomainArgs.Guard(ctx, client => Receive(ctx, client, input, output, pause));
    }

    private static void Say(XlContext ctx, string line) => ctx.Err.Write(line + "\n");

    private static int Receive(XlContext ctx, XenodClient client, Stream input, Stream output, bool pause)
    {
        Say(ctx, "migration target: Ready to receive domain.");
        output.Write(MigrationWire.Banner.Span);
        output.Flush();

        int domid;
        string name;
        try
        {
            var prefix = MigrationWire.ReadPrefixAsync(input, line => Say(ctx, line), CancellationToken.None).Sync();
            var state = Xeno.Migration.Streams.DomainStateRecord.FromJson(prefix.DomainStateJson);
            name = state.Name;
            // A sender with --copy-storage lists the disks it copies: its streams come multiplexed.
            // A sender that handed its channel to QEMU sends QEMU's stream as is: ours goes to QEMU too.
            domid = state.CopiedDisks.Count > 0 ? StorageCopyStreams.Receive(client, input, output, prefix.DomainStateJson)
                : state.RawQemuStream ? ReceiveThroughQemu(client, prefix.DomainStateJson)
                : ReceiveStream(client, input, prefix.DomainStateJson);
        }
        catch (Exception e) when (e is MigrationWireException or Xeno.Migration.SaveFiles.SaveFileException or IOException
                                      or SocketException or XenodException or TimeoutException)
        {
            Say(ctx, $"migration target: {e.Message}");
            Say(ctx, "migration target: Failure, destroying our copy.");
            return 1;
        }
        string dom = DomainArgs.Dom(domid);

        Say(ctx, "migration target: Transfer complete, requesting permission to start domain.");
        try
        {
            output.Write(MigrationWire.ReceiverReady.Span);
            output.Flush();
            MigrationWire.ExpectAsync(input, MigrationWire.PermissionToGo, "permission for start", CancellationToken.None).Sync();
        }
        catch (Exception e) when (e is MigrationWireException or IOException)
        {
            Say(ctx, $"migration target: {e.Message}");
            return DestroyOurCopy(ctx, client, dom);
        }
        Say(ctx, "migration target: Got permission, starting domain.");

        byte status = 0;
        try
        {
            client.RenameAsync(dom, name).Sync();
            if (!pause)
                client.UnpauseAsync(dom).Sync();
        }
        catch (XenodException e)
        {
            Say(ctx, $"migration target: {e.Message}");
            status = 1;
        }
        try
        {
            output.Write(MigrationWire.Report.Span);
            output.WriteByte(status);
            output.Flush();
        }
        catch (IOException)
        {
            // The sender went away after its permission: it no longer resumes, so our copy stays.
        }
        if (status != 0)
            return DestroyOurCopy(ctx, client, dom);
        Say(ctx, "migration target: Domain started successsfully.");
        return 0;
    }

    private static int DestroyOurCopy(XlContext ctx, XenodClient client, string dom)
    {
        Say(ctx, "migration target: Failure, destroying our copy.");
        try
        {
            client.DestroyAsync(dom).Sync();
        }
        catch (XenodException e)
        {
            Say(ctx, $"migration target: {e.Message}");
        }
        return 1;
    }

    /// <summary>
    /// Hands this xl's stdin to xenod for the incoming QEMU, which reads the stream straight from
    /// it. Xen's protocol has the receiver speak next (the ready message) and the sender waits for
    /// it, so nothing follows QEMU's stream on the channel for QEMU to read past. This xl keeps off
    /// stdin until xenod answers (QEMU is done reading it then).
    /// </summary>
    private static int ReceiveThroughQemu(XenodClient client, string stateJson)
    {
        using var stdin = new SafeFileHandle(0, ownsHandle: false);
        using (var handOver = ChannelHandOver.TryOffer(client.SocketPath, stdin, out string? why)
                              ?? throw new MigrationWireException($"the sender hands QEMU's stream over whole, but this host's xenod cannot take the channel ({why})"))
        {
            try
            {
                return client.ReceiveMigrationAsync(new MigrationReceiveRequest { StateJson = stateJson, FdToken = handOver.Token }).Sync().Domid;
            }
            finally
            {
                // QEMU's incoming migration makes the channel non-blocking; the hand-over reads block.
                try
                {
                    Xeno.Qemu.Interop.UnixRights.SetNonBlocking(stdin, false);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>xenod's QEMU listens on a socket of ours (migrate-incoming); we feed it the chunks.</summary>
    private static int ReceiveStream(XenodClient client, Stream input, string stateJson)
    {
        var dir = Directory.CreateTempSubdirectory("xlr-");
        try
        {
            var path = Path.Combine(dir.FullName, "qemu.sock");
            var receive = client.ReceiveMigrationAsync(new MigrationReceiveRequest { StateJson = stateJson, SocketPath = path });
            using var socket = ConnectWhenListening(path, receive);
            using (var qemu = new NetworkStream(socket, ownsSocket: false))
            {
                try
                {
                    MigrationWire.ReceiveChunksAsync(input, qemu, _ => { }, CancellationToken.None).Sync();
                }
                catch (Exception e) when (e is IOException or MigrationWireException)
                {
                    // QEMU sees the stream end early and fails: xenod undoes the new domain.
                    socket.Close();
                    try
                    {
                        receive.Sync();
                    }
                    catch (XenodException)
                    {
                    }
                    throw;
                }
            }
            socket.Shutdown(SocketShutdown.Send);
            return receive.Sync().Domid;
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>QEMU creates its listening socket only once its domain is started: connect when it is there.</summary>
    internal static Socket ConnectWhenListening(string path, Task receive)
    {
        var deadline = DateTime.UtcNow + SocketWait;
        while (true)
        {
            if (receive.IsCompleted)
            {
                receive.Sync(); // xenod's error
                throw new MigrationWireException("xenod answered before QEMU read the stream");
            }
            if (File.Exists(path))
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(path));
                    return s;
                }
                catch (SocketException)
                {
                    s.Dispose();
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"QEMU did not listen on {path} within {SocketWait.TotalSeconds:0} s");
            Thread.Sleep(20);
        }
    }
}
