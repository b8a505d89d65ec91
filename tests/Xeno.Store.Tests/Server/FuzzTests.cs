using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Xeno.Store.Server;
using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Server;

/// <summary>
/// Random and mutated messages at a live server while a well-formed client keeps working.
/// CI sends 100,000; XENO_LONG_FUZZ=1 sends a million.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Words = ["a", "b", "fz", "local", "domain", "0", "7", "data", "@introduceDomain", "@releaseDomain", "tool", "vm", "x-y_z", "", "..", "/", "//", "é"];

    private static int MessageCount => Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 1_000_000 : 100_000;

    [Fact]
    public async Task ServerSurvivesGarbageAndKeepsAnsweringWellFormedClients()
    {
        using var dir = new TempDir();
        var options = new XenStoreServerOptions
        {
            SocketPath = dir["sock"],
            StateDirectory = dir["state"],
            DomainSocketDirectory = dir["run"],
            CompactionThreshold = 256 * 1024,
        };
        var server = XenStoreServer.Start(options);
        using (var admin = new XsClient(options.SocketPath))
            Assert.Equal("OK", XsClient.Text(admin.Request(XsMessageType.Introduce, 0, "7", "0", "0")));

        var seed = Environment.TickCount;
        var total = MessageCount;
        var perFuzzer = total / 3;
        var stopwatch = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var sane = Task.Run(() => SaneClient(options.SocketPath, done.Token));
        var fuzzers = new[]
        {
            Task.Run(() => Fuzz(options.SocketPath, seed, perFuzzer, null)),
            Task.Run(() => Fuzz(options.SocketPath, seed + 1, perFuzzer, null)),
            Task.Run(() => Fuzz(options.DomainSocketPath(7), seed + 2, total - 2 * perFuzzer, options.SocketPath)),
        };
        var sent = (await Task.WhenAll(fuzzers)).Sum();
        await done.CancelAsync();
        var saneRounds = await sane;

        Assert.True(sent >= total, $"sent {sent} of {total} messages (seed {seed})");
        Assert.True(saneRounds > 0, "the well-formed client made progress");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(3), $"took {stopwatch.Elapsed}");

        string before;
        lock (server.Gate)
        {
            Assert.True(server.Engine.InternalErrors == 0, $"internal error (seed {seed}): {server.Engine.LastInternalError}");
            Assert.Null(server.Engine.CheckInvariants());
            before = server.Engine.Dump();
        }
        using (var check = new XsClient(options.SocketPath))
        {
            Assert.Equal("OK", check.Write("/sane/final", "yes"));
            Assert.Equal("yes", check.Read("/sane/final"));
            before = before.Replace("/sane/final", "/sane/final", StringComparison.Ordinal);
        }
        lock (server.Gate) before = server.Engine.Dump();
        await server.DisposeAsync();

        // Whatever the fuzzers did, the journal and snapshots bring back exactly the same tree.
        var again = XenStoreServer.Start(options);
        try
        {
            lock (again.Gate)
            {
                Assert.Equal(before, again.Engine.Dump());
                Assert.Null(again.Engine.CheckInvariants());
            }
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    private static int SaneClient(string socket, CancellationToken stop)
    {
        using var c = new XsClient(socket);
        var rounds = 0;
        while (!stop.IsCancellationRequested)
        {
            var value = "v" + rounds;
            Assert.Equal("OK", c.Write("/sane/k", value));
            Assert.Equal(value, c.Read("/sane/k"));
            var tx = uint.Parse(XsClient.Text(c.Request(XsMessageType.TransactionStart, 0, "")));
            Assert.Equal("OK", XsClient.Text(c.RequestRaw(XsMessageType.Write, tx, Encoding.ASCII.GetBytes("/sane/t\0" + value))));
            Assert.Equal(value, c.Read("/sane/t", tx));
            Assert.Equal("OK", XsClient.Text(c.Request(XsMessageType.TransactionEnd, tx, "T")));
            Assert.Equal(value, c.Read("/sane/t"));
            Assert.Equal("k\0t", XsClient.Text(c.Request(XsMessageType.Directory, 0, "/sane")));
            rounds++;
        }
        return rounds;
    }

    /// <summary>Sends <paramref name="count"/> messages, reconnecting whenever the server drops us.</summary>
    private static int Fuzz(string socketPath, int seed, int count, string? adminSocket)
    {
        var rng = new Random(seed);
        var sent = 0;
        while (sent < count)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            }
            catch (SocketException) when (adminSocket is not null)
            {
                // The dom0 fuzzers released our domain (its socket went away): introduce it again.
                using var admin = new XsClient(adminSocket);
                admin.Request(XsMessageType.Introduce, 0, "7", "0", "0");
                continue;
            }
            var drain = Task.Run(() => Drain(socket));
            try
            {
                while (sent < count)
                {
                    var batch = new MemoryStream();
                    var dropped = false;
                    for (var i = 0; i < 64 && sent < count; i++, sent++)
                    {
                        var bytes = Generate(rng, out var fatal);
                        batch.Write(bytes);
                        if (fatal) { dropped = true; sent++; break; }
                    }
                    socket.Send(batch.ToArray());
                    if (dropped) break;
                }
            }
            catch (SocketException)
            {
                // The server hung up on us (as it should for some garbage): connect again.
            }
            socket.Shutdown(SocketShutdown.Send);
            drain.Wait(TimeSpan.FromSeconds(30));
        }
        return sent;
    }

    /// <summary>Reads replies until the server closes; every frame must be a well-formed reply.</summary>
    private static void Drain(Socket socket)
    {
        var decoder = new XsFrameDecoder();
        var buffer = new byte[65536];
        var messages = new List<XsMessage>();
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                messages.Clear();
                Assert.Equal(XsFrameError.None, decoder.Feed(buffer.AsSpan(0, n), messages));
                foreach (var m in messages)
                    Assert.True(m.Payload.Length <= XsHeader.PayloadMax, "reply within the payload limit");
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>A random message: mostly well-formed requests with random arguments, some mutated, some garbage.</summary>
    private static byte[] Generate(Random rng, out bool fatal)
    {
        fatal = false;
        var type = rng.Next(10) == 0 ? (XsMessageType)rng.Next(0, 40) : (XsMessageType)rng.Next(0, 27);
        var args = new List<string>();
        var argc = rng.Next(0, 4);
        for (var i = 0; i < argc; i++) args.Add(RandomArg(rng, type, i));
        var tx = rng.Next(8) == 0 ? (uint)rng.Next(0, 5) : 0u;
        var message = XsMessage.Create(type, (uint)rng.Next(), tx, [.. args]);
        var bytes = message.ToBytes();
        switch (rng.Next(12))
        {
            case 0:
                // Flip random bytes in the payload (header length left intact).
                for (var i = 0; i < 3 && bytes.Length > XsHeader.Size; i++)
                    bytes[rng.Next(XsHeader.Size, bytes.Length)] = (byte)rng.Next(256);
                break;
            case 1:
                // Strip the final NUL.
                if (bytes.Length > XsHeader.Size) { Array.Resize(ref bytes, bytes.Length - 1); FixLength(bytes); }
                break;
            case 2:
                if (rng.Next(20) == 0)
                {
                    // Oversized length: the server must drop this connection.
                    BitConverter.TryWriteBytes(bytes.AsSpan(12), (uint)rng.Next(XsHeader.PayloadMax + 1, int.MaxValue));
                    fatal = true;
                }
                break;
            case 3:
                // Pure noise payload.
                var noise = new byte[rng.Next(0, 200)];
                rng.NextBytes(noise);
                bytes = [.. bytes.AsSpan(0, XsHeader.Size), .. noise];
                FixLength(bytes);
                break;
        }
        return bytes;
    }

    private static void FixLength(byte[] bytes) => BitConverter.TryWriteBytes(bytes.AsSpan(12), (uint)(bytes.Length - XsHeader.Size));

    private static string RandomArg(Random rng, XsMessageType type, int index)
    {
        switch (rng.Next(8))
        {
            case 0: return rng.Next(0, 40).ToString();
            case 1: return new[] { "T", "F", "r0", "b7", "n0", "w7", "quota", "check", "help", "nodes", "watches" }[rng.Next(11)];
            case 2: return new string((char)rng.Next(32, 127), rng.Next(0, 10));
        }
        var sb = new StringBuilder();
        if (rng.Next(4) != 0) sb.Append('/');
        sb.Append("fz");
        var depth = rng.Next(0, 5);
        for (var i = 0; i < depth; i++) sb.Append('/').Append(Words[rng.Next(Words.Length)]);
        return sb.ToString();
    }
}
