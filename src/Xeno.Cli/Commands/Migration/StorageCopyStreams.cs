using System.Net.Sockets;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Migration.Wire;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// xl migrate --copy-storage's streams on both ends (docs/migration.md, "Copying local disks"):
/// QEMU's live stream and the disk mirrors' NBD connections share the one channel, multiplexed
/// by <see cref="StorageRelay"/>. Each xl has a private temporary folder with two unix sockets:
/// the sender's QEMU connects to both (migration, NBD mirror targets); the receiver connects to its
/// QEMU's (migrate-incoming, and the NBD server, which appears once every disk is exported).
/// </summary>
internal static class StorageCopyStreams
{

    /// <summary>The sender: xenod mirrors the disks into our NBD socket, then migrates into our other socket.</summary>
    public static MigrationSendResponse Send(XenodClient client, string dom, ReceiverChannel channel, Action<long> forwarded)
    {
        var dir = Directory.CreateTempSubdirectory("xlm-");
        try
        {
            string ramPath = Path.Combine(dir.FullName, "qemu.sock"), nbdPath = Path.Combine(dir.FullName, "nbd.sock");
            using var ram = Listen(ramPath);
            using var nbd = Listen(nbdPath);
            using var stop = new CancellationTokenSource();
            // The mirrors start once the target's disks are exported (its first frame).
            var first = MuxFrame.ReadAsync(channel.FromReceiver, CancellationToken.None).Sync();
            if (first.Type != MuxFrameType.TargetReady)
                throw new MigrationWireException($"storage stream: expected the target's ready frame, got {first.Type}");
            var send = client.SendMigrationAsync(dom, new MigrationSendRequest { SocketPath = ramPath, NbdSocketPath = nbdPath });
            var relay = StorageRelay.RunSenderAsync(channel.FromReceiver, channel.ToReceiver, AcceptAsync(ram, stop.Token),
                t => AcceptAsync(nbd, t), forwarded, stop.Token);
            if (Task.WhenAny(relay, send).Sync() == send && send.IsFaulted)
            {
                // xenod failed (a mirror, QEMU) before the stream ended: its error, the relay stopped.
                stop.Cancel();
                Quietly(relay);
                send.Sync();
            }
            try
            {
                relay.Sync();
            }
            catch (Exception e) when (e is IOException or MigrationWireException or SocketException or OperationCanceledException)
            {
                // The channel broke: the sockets close, QEMU fails its mirrors or its migration and runs on.
                stop.Cancel();
                ram.Dispose();
                nbd.Dispose();
                try
                {
                    send.Sync();
                }
                catch (XenodException)
                {
                }
                if (e is OperationCanceledException)
                    throw new MigrationWireException("the storage relay stopped");
                throw;
            }
            return send.Sync();
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>The receiver: xenod creates the disks and the incoming domain; we connect its sockets to the relay.</summary>
    public static int Receive(XenodClient client, Stream input, Stream output, string stateJson)
    {
        var dir = Directory.CreateTempSubdirectory("xlr-");
        try
        {
            string ramPath = Path.Combine(dir.FullName, "qemu.sock"), nbdPath = Path.Combine(dir.FullName, "nbd.sock");
            var receive = client.ReceiveMigrationAsync(new MigrationReceiveRequest { StateJson = stateJson, SocketPath = ramPath, NbdSocketPath = nbdPath });
            try
            {
                // Ready once the NBD socket appears (every disk created and exported), or xenod's error.
                WaitForPath(nbdPath, receive, TargetSetupWait);
                output.Write(new MuxFrame(MuxFrameType.TargetReady, 0, default).Encode());
                output.Flush();
                StorageRelay.RunReceiverAsync(input, output,
                    t => Task.Run(() => ConnectWhenListening(ramPath, receive), t),
                    t => Task.Run(() => ConnectWhenListening(nbdPath, receive), t),
                    _ => { }, CancellationToken.None).Sync();
            }
            catch (Exception e) when (e is IOException or MigrationWireException or SocketException or TimeoutException or XenodException
                                          or OperationCanceledException)
            {
                // Our connections are closed: QEMU sees its stream end early and xenod undoes the new
                // domain and its disks. Cut during the copy, QEMU's migration socket never had a
                // connection: an empty one ends its wait at once.
                try
                {
                    if (!receive.IsCompleted)
                        ConnectWhenListening(ramPath, receive).Dispose();
                }
                catch (Exception ce) when (ce is IOException or MigrationWireException or SocketException or TimeoutException or XenodException)
                {
                }
                try
                {
                    receive.Sync();
                }
                catch (XenodException)
                {
                }
                if (e is OperationCanceledException)
                    throw new MigrationWireException("the storage relay stopped");
                throw;
            }
            return receive.Sync().Domid;
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>Creating the disks and starting QEMU may take long on a loaded host; the sender waits as long.</summary>
    private static readonly TimeSpan TargetSetupWait = TimeSpan.FromMinutes(5);

    private static void WaitForPath(string path, Task receive, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (!File.Exists(path))
        {
            if (receive.IsCompleted)
            {
                receive.Sync(); // xenod's error
                throw new MigrationWireException("xenod answered before QEMU read the stream");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the target's disks were not exported within {wait.TotalMinutes:0} minutes");
            Thread.Sleep(20);
        }
    }

    private static Socket Listen(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.Listen(8);
        return s;
    }

    private static async Task<RelayConnection> AcceptAsync(Socket listener, CancellationToken cancel)
    {
        var s = await listener.AcceptAsync(cancel);
        return Connection(s);
    }

    private static RelayConnection Connection(Socket s) => new(new NetworkStream(s, ownsSocket: true), () =>
    {
        try
        {
            s.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other end is gone already.
        }
    });

    /// <summary>QEMU's sockets appear once its domain is started (the NBD one once every disk is exported): connect when they do.</summary>
    private static RelayConnection ConnectWhenListening(string path, Task receive) =>
        Connection(MigrateReceiveCommand.ConnectWhenListening(path, receive));

    private static void Quietly(Task t)
    {
        try
        {
            t.Sync();
        }
        catch (Exception)
        {
            // Stopped because xenod failed; xenod's error is the one to report.
        }
    }

    private static void TryDelete(DirectoryInfo dir)
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
