using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Migration.Wire;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// `xl migrate [-s CMD] [-C cfg] [-e] [-p] [-D] [--debug] [--live] &lt;Domain&gt; &lt;host&gt;`, Xen's
/// sender (docs/migration.md): runs the rune (<see cref="MigrationRune"/>), waits for the
/// receiver's banner, sends the domain's prefix, then QEMU's live stream: QEMU writes it straight
/// into the rune's stdin, handed to xenod and on to QEMU (<see cref="ChannelHandOver"/>); with
/// --copy-storage, or a xenod that takes no descriptors, xenod's QEMU writes to a unix socket of
/// this xl and this xl forwards in chunks. The guest stays stopped until the receiver reports it
/// runs; any failure before that resumes it here.
/// </summary>
public static class MigrateCommand
{
    public static readonly XlCommand Migrate = new(
        "migrate", Run, Modifies: true, CanDryRun: false, "Migrate a domain to another host",
        "[options] <Domain> <host>",
        "-h              Print this help.\n" +
        "-C <config>     Send <config> instead of config file from creation.\n" +
        "-s <sshcommand> Use <sshcommand> instead of ssh.  String will be passed\n" +
        "                to sh. If empty, run <host> instead of ssh <host> xl\n" +
        "                migrate-receive [-d -e]\n" +
        "-e              Do not wait in the background (on <host>) for the death\n" +
        "                of the domain.\n" +
        "--debug         Print huge (!) amount of debug during the migration process.\n" +
        "-p              Do not unpause domain after migrating it.\n" +
        "-D              Preserve the domain id");
    // --copy-storage (Xeno's own, docs/migration.md) stays out of the help text, which is Xen's.

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Migrate, "s:C:epD",
            [new LongOption("debug", false, 'd'), new LongOption("live", false, 'l'), new LongOption("copy-storage", false, 'S')], args, 2, out var exit);
        if (p is null) return exit;
        // Operands past <host> are ignored, as Xen's xl ignores them.
        string? overrideConfig = p.Options.LastOrDefault(o => o.Option == 'C').Argument;
        // --live is xm's and ignored, as Xen's xl does; -D changes nothing (Xeno never reuses domids).
        string? ssh = p.Options.LastOrDefault(o => o.Option == 's').Argument;
        bool noDaemonize = p.Options.Any(o => o.Option == 'e'), pause = p.Options.Any(o => o.Option == 'p'),
            debug = p.Options.Any(o => o.Option == 'd'), copyStorage = p.Options.Any(o => o.Option == 'S');
        string dom = p.Operands[0], host = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            // -C: the target builds the domain from this file instead (read before the receiver starts, as Xen's xl).
            Xeno.Config.Domain.DomainSpec? sent = null;
            if (overrideConfig is not null && (sent = RestoreConfigFile.Read(ctx, overrideConfig, out int configExit, announce: false, readFailureExit: 1)) is null)
                return configExit;
            var description = client.DescribeMigrationAsync(DomainArgs.Dom(d.Domid), copyStorage).Sync();
            if (sent is not null)
                description = WithConfig(description, sent);
            var rune = MigrationRune.Build(ssh, host, ctx.Verbosity, noDaemonize, debug, pause);
            using var channel = ReceiverChannel.Start(rune, ctx.Err);
            try
            {
                return new Sender(ctx, client, d, channel, copyStorage).Run(description);
            }
            finally
            {
                channel.WaitExit(TimeSpan.FromSeconds(30));
            }
        });
    }

    /// <summary>
    /// The description with -C's domain in place of the running one's: its config and name are what
    /// the target creates. The guest keeps its UUID (as with xl restore's config file): it is the
    /// same machine, and its disks stay its own on the target.
    /// </summary>
    private static MigrationDescription WithConfig(MigrationDescription description, Xeno.Config.Domain.DomainSpec spec)
    {
        var state = Xeno.Migration.Streams.DomainStateRecord.FromJson(description.StateJson);
        string json = Xeno.Config.Domain.DomainSpecJson.Write(spec with { Uuid = state.Uuid });
        state = state with { SpecJson = json, Name = spec.Name };
        return description with { ConfigJson = json, StateJson = state.ToJson() };
    }

    /// <summary>One migration's sender side, step by step in Xen's order.</summary>
    private sealed class Sender(XlContext ctx, XenodClient client, DomainInfo d, ReceiverChannel channel, bool copyStorage)
    {
        private readonly string _dom = DomainArgs.Dom(d.Domid);

        private void Say(string line)
        {
            lock (ctx.Err)
                ctx.Err.Write(line + "\n");
        }

        /// <summary>The channel, once handed to xenod for QEMU (null: relayed by this xl).</summary>
        private ChannelHandOver? _handOver;

        public int Run(MigrationDescription description)
        {
            try
            {
                return RunSteps(description);
            }
            finally
            {
                _handOver?.Dispose();
            }
        }

        private int RunSteps(MigrationDescription description)
        {
            try
            {
                MigrationWire.ExpectAsync(channel.FromReceiver, MigrationWire.Banner, "receiver's banner", CancellationToken.None).Sync();
                string stateJson = description.StateJson;
                // Without disks to copy nothing else shares the channel while QEMU streams: QEMU
                // gets the channel itself and the receiver is told so in the domain state.
                if (!copyStorage && channel.ToReceiverHandle is { } handle)
                {
                    _handOver = ChannelHandOver.TryOffer(client.SocketPath, handle, out string? why);
                    if (_handOver is null && ctx.Verbosity > 0)
                        Say($"migration sender: relaying QEMU's stream ({why})");
                    if (_handOver is not null)
                        stateJson = (Xeno.Migration.Streams.DomainStateRecord.FromJson(stateJson) with { RawQemuStream = true }).ToJson();
                }
                var prefix = MigrationWire.Prefix(description.ConfigJson, stateJson);
                channel.ToReceiver.Write(prefix);
                channel.ToReceiver.Flush();
                var header = Xeno.Migration.SaveFiles.XlSaveHeader.Parse(prefix, "<migration stream>");
                Say($"Saving to migration stream new xl format (info {header.Info})");
            }
            catch (Exception e) when (e is MigrationWireException or IOException)
            {
                // Nothing was stopped yet.
                Say($"xl: migration receiver ({e.Message})");
                Say("Migration failed, the domain was not stopped.");
                return 1;
            }

            var sw = Stopwatch.StartNew();
            MigrationSendResponse figures;
            try
            {
                figures = SendStream();
            }
            catch (Exception e) when (e is MigrationWireException or IOException or SocketException or XenodException)
            {
                Say($"migration sender: libxl_domain_suspend failed ({e.Message})");
                channel.CloseToReceiver();
                return ResumeAtSender("Migration failed, resuming at sender.");
            }
            long sentMs = sw.ElapsedMilliseconds;

            // Xen renames its stopped copy once the target is ready; the rename runs here while the
            // target's QEMU finishes reading, so the ready message is followed at once by the
            // permission (one xenod round trip less while the guest is stopped). The wire is unchanged;
            // a failure renames the copy back (ResumeAtSender).
            string away = d.Name + "--migratedaway";
            var renaming = client.RenameAsync(_dom, away);
            try
            {
                MigrationWire.ExpectAsync(channel.FromReceiver, MigrationWire.ReceiverReady, "ready message", CancellationToken.None).Sync();
            }
            catch (Exception e) when (e is MigrationWireException or IOException)
            {
                Say($"migration sender: {e.Message}");
                try
                {
                    renaming.Sync();
                }
                catch (XenodException)
                {
                    // Not renamed: nothing to undo.
                }
                return ResumeAtSender("Migration failed, resuming at sender.");
            }
            Say("migration sender: Target has acknowledged transfer.");
            renaming.Sync();
            Say("migration sender: Giving target permission to start.");
            int status;
            try
            {
                channel.ToReceiver.Write(MigrationWire.PermissionToGo.Span);
                channel.ToReceiver.Flush();
                MigrationWire.ExpectAsync(channel.FromReceiver, MigrationWire.Report, "success/failure report", CancellationToken.None).Sync();
                status = channel.FromReceiver.ReadByte();
                if (status < 0)
                    throw new MigrationWireException("the receiver closed the connection before its status byte");
            }
            catch (Exception e) when (e is MigrationWireException or IOException)
            {
                // The receiver may or may not run the guest now: Xen's warning, and nothing touched.
                Say($"migration sender: {e.Message}");
                ctx.Err.Write(
                    "** Migration failed during final handshake **\n" +
                    "Domain state is now undefined !\n" +
                    "Please CHECK AT BOTH ENDS for running instances, before renaming and\n" +
                    " resuming at most one instance.  Two simultaneous instances of the domain\n" +
                    " would probably result in SEVERE DISK CORRUPTION.\n");
                return 1;
            }
            if (status != 0)
            {
                Say($"migration sender: Target reports startup failure (status code {status}).");
                client.RenameAsync(_dom, d.Name).Sync();
                Say("migration sender: Trying to resume at our end.");
                return ResumeAtSender("Migration failed due to problems at target.");
            }
            // The guest runs at the target from its report on: the total ends there (destroying
            // this stopped copy afterwards takes nothing from the guest).
            long totalMs = sw.ElapsedMilliseconds;
            Say("migration sender: Target reports successful startup.");
            client.DestroyAsync(_dom).Sync();
            Say(string.Create(CultureInfo.InvariantCulture,
                $"migration sender: downtime {figures.DowntimeMs} ms, total time {totalMs} ms " +
                $"(QEMU's stream {figures.TotalTimeMs} ms, {Mib(figures.TransferredBytes)} MiB, {figures.Iterations} dirty-page passes; stream sent after {sentMs} ms)"));
            Say("Migration successful.");
            return 0;
        }

        /// <summary>QEMU's live stream through this xl: xenod's QEMU connects to our socket, we forward in chunks.</summary>
        private MigrationSendResponse SendStream()
        {
            if (copyStorage)
            {
                long relayed = 0;
                using var storageProgress = new ProgressPrinter(ctx, client, _dom, () => Interlocked.Read(ref relayed));
                return StorageCopyStreams.Send(client, _dom, channel, total => Interlocked.Exchange(ref relayed, total));
            }
            if (_handOver is { } handOver)
                return SendThroughQemu(handOver);
            var dir = Directory.CreateTempSubdirectory("xlm-");
            try
            {
                var path = Path.Combine(dir.FullName, "qemu.sock");
                using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(1);
                var send = client.SendMigrationAsync(_dom, new MigrationSendRequest { SocketPath = path });
                var accept = listener.AcceptAsync();
                if (Task.WhenAny(accept, send).Sync() == send)
                {
                    send.Sync(); // QEMU failed before it connected: xenod's error
                    throw new MigrationWireException("QEMU never connected");
                }
                using var qemu = new NetworkStream(accept.Sync(), ownsSocket: true);
                long forwarded = 0;
                using var progress = new ProgressPrinter(ctx, client, _dom, () => Interlocked.Read(ref forwarded));
                try
                {
                    MigrationWire.SendChunksAsync(qemu, channel.ToReceiver, total => Interlocked.Exchange(ref forwarded, total),
                        CancellationToken.None).Sync();
                }
                catch (Exception e) when (e is IOException or MigrationWireException)
                {
                    progress.Dispose();
                    // The channel broke: closing QEMU's connection fails its migration, which resumes the guest.
                    qemu.Close();
                    try
                    {
                        send.Sync();
                    }
                    catch (XenodException)
                    {
                    }
                    throw;
                }
                progress.Dispose();
                return send.Sync();
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

        /// <summary>
        /// QEMU writes into the channel itself; this xl keeps off it until xenod answers (QEMU is
        /// done with it then, completed or failed). A failed send throws xenod's error.
        /// </summary>
        private MigrationSendResponse SendThroughQemu(ChannelHandOver handOver)
        {
            using var progress = new ProgressPrinter(ctx, client, _dom, () => 0);
            try
            {
                return client.SendMigrationAsync(_dom, new MigrationSendRequest { FdToken = handOver.Token }).Sync();
            }
            finally
            {
                progress.Dispose();
                handOver.Dispose();
                _handOver = null;
                // QEMU may leave the channel's file non-blocking; xl's own writes expect it blocking.
                try
                {
                    if (channel.ToReceiverHandle is { } handle)
                        Xeno.Qemu.Interop.UnixRights.SetNonBlocking(handle, false);
                }
                catch (IOException)
                {
                    // The channel is gone: the next write says so.
                }
            }
        }

        /// <summary>The guest runs again here (unless it was paused before the migration), under its own name.</summary>
        private int ResumeAtSender(string message)
        {
            try
            {
                // A send xl stopped waiting for (its request timed out) may still be ending: its
                // outcome decides whether the guest is stopped, so wait for it first.
                var now = client.GetDomainAsync(_dom).Sync();
                for (var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1); now.Phase == "migrating_out" && DateTime.UtcNow < deadline;)
                {
                    Thread.Sleep(100);
                    now = client.GetDomainAsync(_dom).Sync();
                }
                if (now.Name != d.Name)
                    client.RenameAsync(_dom, d.Name).Sync();
                if (now.Paused && !d.Paused)
                    client.UnpauseAsync(_dom).Sync();
            }
            catch (XenodException e)
            {
                Say($"migration sender: resuming failed: {e.Message}");
            }
            Say(message);
            return 1;
        }

        private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <summary>Once a second while QEMU sends: QEMU's figures from xenod (best effort), else the bytes forwarded.</summary>
    private sealed class ProgressPrinter : IDisposable
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly XlContext _ctx;
        private readonly bool _terminal = Interop.TerminalMode.IsTerminal(2);
        private bool _printed, _disposed;

        public ProgressPrinter(XlContext ctx, XenodClient client, string dom, Func<long> forwarded)
        {
            _ctx = ctx;
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        await Task.Delay(Every, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    MigrationProgress? figures = null;
                    try
                    {
                        figures = await client.MigrationProgressAsync(dom, _stop.Token);
                    }
                    catch (Exception)
                    {
                        // Only a progress line: whatever went wrong, the bytes forwarded still tell.
                    }
                    lock (ctx.Err)
                    {
                        if (_stop.IsCancellationRequested)
                            return;
                        ctx.Err.Write(MigrationProgressLine.Render(MigrationProgressLine.Text(figures, forwarded()), _terminal));
                        _printed = true;
                    }
                }
            });
        }

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            lock (_ctx.Err)
                _stop.Cancel();
            _loop.GetAwaiter().GetResult();
            if (_terminal && _printed)
                _ctx.Err.Write("\n");
            _stop.Dispose();
        }
    }
}
