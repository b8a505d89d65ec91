using System.Net.Sockets;
using System.Text;
using Xeno.Cli.Commands;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Tests.Domain;

/// <summary>The console relay against a real unix socket standing in for QEMU's console chardev.</summary>
[Collection(nameof(ConsoleAttachTests))] // ConsoleCommand.Io is process-wide
public class ConsoleAttachTests
{
    [Fact]
    public async Task InputThatEndsKeepsShowingGuestOutputUntilTheGuestGoesAway()
    {
        using var xl = new XlRunner();
        var path = Path.Combine(xl.Root, "console.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var cancel = TestContext.Current.CancellationToken;
        var guest = Task.Run(async () =>
        {
            using var peer = await listener.AcceptAsync(cancel);
            await Task.Delay(300, cancel); // the client's input has ended by now
            await peer.SendAsync(Encoding.ASCII.GetBytes("XENO-GUEST-READY\n"), cancel);
            await Task.Delay(100, cancel);
            peer.Shutdown(SocketShutdown.Both); // the domain is destroyed
        }, cancel);

        var output = new MemoryStream();
        var previous = ConsoleCommand.Io;
        ConsoleCommand.Io = () => (new MemoryStream(), output, false);
        try
        {
            var ctx = new XlContext
            {
                Out = TextWriter.Null,
                Err = TextWriter.Null,
                Host = new Xeno.Cli.Hosting.XenoHost(xl.Prefix),
                Global = Xeno.Config.Host.GlobalConfig.Default,
            };
            Assert.Equal(0, ConsoleCommand.Attach(ctx, path, ConsoleCommand.DefaultEscape, null));
        }
        finally
        {
            ConsoleCommand.Io = previous;
        }
        await guest;
        Assert.Equal("XENO-GUEST-READY\n", Encoding.ASCII.GetString(output.ToArray()));
    }
}
