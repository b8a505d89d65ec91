using System.Net.Sockets;

namespace Xeno.Panel.Ssh;

public enum ConsoleEnd
{
    /// <summary>The owner typed the escape character (^]): back to the menu.</summary>
    Detached,
    /// <summary>xenod closed the console (the domain went away, or xenod stopped).</summary>
    GuestClosed,
    /// <summary>The owner's input ended (EOF, hang-up): the session ends.</summary>
    InputEnded,
    /// <summary>The console socket did not take the connection.</summary>
    CannotConnect,
}

/// <summary>
/// Relays between the menu's terminal and a guest's console on xenod's console hub socket (raw
/// bytes both ways, docs/api.md "Consoles") until ^] , the end of input, or the hub closing.
/// </summary>
public static class ConsoleRelay
{
    public const byte Escape = 0x1d; // ^]

    public static async Task<(ConsoleEnd End, string? Error)> RunAsync(string socketPath, MenuInput input, Stream output, CancellationToken cancel)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
        }
        catch (SocketException e)
        {
            return (ConsoleEnd.CannotConnect, e.Message);
        }
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var guestGone = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var fromGuest = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, cancel)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel);
                    await output.FlushAsync(cancel);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            finally
            {
                guestGone.Cancel();
            }
        }, CancellationToken.None);

        var end = ConsoleEnd.GuestClosed;
        try
        {
            while (true)
            {
                if (await input.ReadChunkAsync(guestGone.Token) is not { } chunk)
                {
                    end = ConsoleEnd.InputEnded;
                    break;
                }
                int at = chunk.Span.IndexOf(Escape);
                await stream.WriteAsync(at < 0 ? chunk : chunk[..at], guestGone.Token);
                if (at >= 0)
                {
                    input.Unread(chunk[(at + 1)..]);
                    end = ConsoleEnd.Detached;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            end = ConsoleEnd.GuestClosed;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            end = ConsoleEnd.GuestClosed;
        }
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        // The guest side ends once the socket is shut; a terminal that no longer takes output must not hold the menu.
        await Task.WhenAny(fromGuest, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        return (end, null);
    }
}
