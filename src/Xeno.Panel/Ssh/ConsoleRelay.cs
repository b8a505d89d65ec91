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
}

/// <summary>
/// Relays between the menu's terminal and a guest's console (raw bytes both ways: xenod's
/// WebSocket attach as a stream, docs/api.md "Consoles") until ^] , the end of input, or xenod
/// closing it. The console goes through the API socket only, so the menu's account needs no
/// access to the console hub's root-only socket files (docs/panel.md, "Which account").
/// </summary>
public static class ConsoleRelay
{
    public const byte Escape = 0x1d; // ^]

    /// <param name="stream">The console connection; the relay owns it and disposes it at the end, which also ends its reader.</param>
    public static async Task<ConsoleEnd> RunAsync(Stream stream, MenuInput input, Stream output, CancellationToken cancel)
    {
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
            await stream.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            // Already gone: nothing to close.
        }
        // The guest side ends once the stream is closed; a terminal that no longer takes output must not hold the menu.
        await Task.WhenAny(fromGuest, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        return end;
    }
}
