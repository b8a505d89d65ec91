using System.IO.Pipes;
using System.Net.Sockets;
using Xeno.Api.Client;
using Xeno.Cli.Commands.Migration;
using Xeno.Engine.Domains;
using Xeno.Engine.Migration;
using Xeno.Qemu.Interop;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xenod's descriptor inbox with xl's side of it (ChannelHandOver), on real sockets and pipes:
/// a handed-over pipe end is the same pipe when taken, a token is taken once, a descriptor nobody
/// took is closed when xl's connection ends, and a missing inbox or a wrong offer is named.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FdInboxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xfd-").FullName;
    private string ApiSocket => Path.Combine(_dir, "xenod.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void AHandedOverPipeEndIsTakenOnceAndWritesIntoTheSamePipe()
    {
        using var inbox = FdInbox.Start(ApiSocket, UnixRights.EffectiveUserId());
        Assert.True(File.Exists(XenodFdSocket.PathFor(ApiSocket)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(XenodFdSocket.PathFor(ApiSocket)));
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        using var offer = ChannelHandOver.TryOffer(ApiSocket, pipe.ClientSafePipeHandle, out string? why);
        Assert.True(offer is not null, why);
        Assert.Matches("^[0-9a-f]{32}$", offer.Token);
        pipe.DisposeLocalCopyOfClientHandle();

        using (var taken = inbox.Take(offer.Token))
        using (var w = new FileStream(taken, FileAccess.Write, bufferSize: 0))
            w.Write("via xenod"u8);
        using var r = new StreamReader(pipe);
        Assert.Equal("via xenod", r.ReadToEnd());

        var again = Assert.Throws<EngineException>(() => inbox.Take(offer.Token));
        Assert.Equal(EngineErrorKind.Invalid, again.Kind);
        Assert.Contains(offer.Token, again.Message);
    }

    [Fact]
    public async Task ADescriptorNobodyTookIsClosedWhenItsConnectionEnds()
    {
        using var inbox = FdInbox.Start(ApiSocket, UnixRights.EffectiveUserId());
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        var offer = ChannelHandOver.TryOffer(ApiSocket, pipe.ClientSafePipeHandle, out string? why);
        Assert.True(offer is not null, why);
        pipe.DisposeLocalCopyOfClientHandle();
        Assert.Equal(1, inbox.Waiting);
        // xl gone (or done without a request): xenod's copy, the last write end, goes, and the reader sees the end.
        offer.Dispose();
        await WaitForAsync(() => inbox.Waiting == 0, "the unclaimed descriptor is dropped");
        var read = Task.Run(() => pipe.Read(new byte[1], 0, 1));
        Assert.Equal(0, await read.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Throws<EngineException>(() => inbox.Take(offer.Token));
    }

    [Fact]
    public void NoInboxOrAWrongOfferIsNamed()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        Assert.Null(ChannelHandOver.TryOffer(ApiSocket, pipe.ClientSafePipeHandle, out string? why));
        Assert.Contains(XenodFdSocket.PathFor(ApiSocket), why);

        using var inbox = FdInbox.Start(ApiSocket, UnixRights.EffectiveUserId());
        // Bytes without a descriptor: refused with the reason, nothing kept.
        using var raw = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        raw.Connect(new UnixDomainSocketEndPoint(XenodFdSocket.PathFor(ApiSocket)));
        raw.Send("F"u8);
        var answer = new byte[128];
        int n = 0, got;
        while ((got = raw.Receive(answer, n, answer.Length - n, SocketFlags.None)) > 0)
            n += got;
        Assert.Equal("!expected one byte 'F' with one descriptor attached\n", System.Text.Encoding.ASCII.GetString(answer, 0, n));
        Assert.Equal(0, inbox.Waiting);
    }
}
