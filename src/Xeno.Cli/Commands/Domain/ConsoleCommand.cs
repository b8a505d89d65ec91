using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Xeno.Api.Contracts;
using Xeno.Cli.Interop;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl console [-t pv|serial] [-n N] [-e C] &lt;Domain&gt;`: attaches the terminal (raw mode) to the
/// guest's console socket until the escape character (default ^]) or the console closes.
/// The socket is xenod's console hub (several clients at once, output from the moment of
/// attaching, as Xen's pty); the API's domain JSON names it. A restarted xenod serves it again.
/// </summary>
public static class ConsoleCommand
{
    public static readonly XlCommand Definition = new(
        "console", Run, Modifies: false, CanDryRun: false,
        "Attach to domain's console",
        "[options] <Domain>\n-t <type>       console type, pv , serial or vuart\n-n <number>     console number",
        "-t <type>       console type, pv , serial or vuart\n" +
        "-n <number>     console number\n" +
        "-e <escape>     escape character");

    /// <summary>Where the console's bytes come from and go to; tests replace the terminal.</summary>
    internal static Func<(Stream Input, Stream Output, bool IsTerminal)> Io { get; set; } =
        () => (RawDescriptor(0, FileAccess.Read), RawDescriptor(1, FileAccess.Write), TerminalMode.IsTerminal(0));

    /// <summary>
    /// fd 0 or 1 as plain read(2)/write(2), unbuffered. Not System.Console's streams: on a
    /// terminal those edit input a line at a time with their own echo (so keys reached the guest
    /// only after Enter, echoed twice, and ^] never arrived alone), and on first use they print
    /// the terminal's keypad-mode sequence (ESC[?1h ESC=).
    /// </summary>
    private static FileStream RawDescriptor(int fd, FileAccess access) =>
        new(new SafeFileHandle(fd, ownsHandle: false), access, bufferSize: 0);

    public const byte DefaultEscape = 0x1d; // ^]

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "n:t:e:", [], args, 1, out var exit);
        if (p is null) return exit;
        string? type = null;
        int number = 0;
        byte escape = DefaultEscape;
        foreach (var (opt, arg) in p.Options)
        {
            switch (opt)
            {
                case 't':
                    if (arg is not ("pv" or "serial" or "vuart"))
                    {
                        ctx.Err.Write("console type supported are: pv, serial, vuart\n");
                        return 1;
                    }
                    type = arg;
                    break;
                case 'n':
                    number = int.TryParse(arg, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
                    break;
                case 'e':
                    escape = ParseEscape(arg!);
                    break;
            }
        }
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(p.Operands[0]).Sync();
            var kind = d.Console.Kind == ConsoleKind.Serial ? "serial" : "pv";
            type ??= kind;
            if (type != kind || number != 0)
            {
                ctx.Err.Write("xenconsole: Could not read tty from store: No such file or directory\n");
                return 1;
            }
            return Attach(ctx, d.Console.Socket, escape, null);
        });
    }

    /// <summary>Connects and relays; <paramref name="connected"/> runs once attached (create -c uses it).</summary>
    internal static int Attach(XlContext ctx, string socketPath, byte escape, Action? connected)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            ctx.Err.Write($"Unable to attach console: {e.Message}\n");
            return 1;
        }
        connected?.Invoke();
        var (input, output, isTerminal) = Io();
        using var raw = isTerminal ? TerminalMode.Raw(0) : null;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        // Both pumps block in read(2), each on a thread of its own (LongRunning): on thread-pool
        // threads they took all of them on a 2-CPU host, and .NET runs SIGHUP's handler (the one
        // that restores the terminal) on the thread pool, where it then waited for the pool to grow.
        var fromGuest = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    output.Write(buffer, 0, n);
                    output.Flush();
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // True when the user typed the escape character; false when input simply ended.
        var toGuest = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[1024];
            try
            {
                int n;
                while ((n = input.Read(buffer)) > 0)
                {
                    int at = Array.IndexOf(buffer, escape, 0, n);
                    stream.Write(buffer, 0, at < 0 ? n : at);
                    if (at >= 0)
                        return true;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
            return false;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // Detach on the escape character; end when the guest side closes (domain destroyed).
        // Input that ends without the escape (a script, /dev/null) leaves the guest's output
        // flowing until the domain goes away, so `xl create -c` works unattended too.
        if (Task.WhenAny(fromGuest, toGuest).Result == toGuest && !toGuest.Result)
        {
            fromGuest.Wait();
        }
        socket.Shutdown(SocketShutdown.Both);
        fromGuest.Wait(TimeSpan.FromSeconds(1));
        if (isTerminal)
            output.Write("\r\n"u8);
        return 0;
    }

    /// <summary>xl's -e: "^X" means the control character, anything else its first byte.</summary>
    internal static byte ParseEscape(string text)
    {
        if (text.Length == 2 && text[0] == '^')
            return (byte)(text[1] & 0x1f);
        return text.Length > 0 ? (byte)text[0] : DefaultEscape;
    }
}
