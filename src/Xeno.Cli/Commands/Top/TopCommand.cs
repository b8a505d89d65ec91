using System.Runtime.InteropServices;
using System.Threading.Channels;
using Xeno.Api.Client;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Interop;

namespace Xeno.Cli.Commands.Top;

/// <summary>
/// `xl top` and `xentop`: Xen's xl top runs xentop; here both are the same code. xentop's options
/// follow `xl top` too (Xen's xl top takes none and execs xentop bare; `xl top -h` still prints
/// xl's usage). Batch mode (-b) prints the table every -d seconds, -i times; interactively the
/// screen is redrawn in full (alternate screen, raw keys: q quits; n, b, v, r toggle networks,
/// VBDs, vCPUs, repeated headers).
/// </summary>
public static class TopCommand
{
    public const string ProgramName = "xentop";

    public static readonly XlCommand Definition = new(
        "top", RunXlTop, Modifies: false, CanDryRun: false, "Monitor a host and the domains in real time", "", null);

    private static int RunXlTop(XlContext ctx, IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0] is "-h" or "--help")
            return XlHelp.PrintCommandHelp(ctx, Definition);
        return RunXentop(ctx, args);
    }

    /// <summary>xentop with its own command line (<paramref name="args"/> after the program name).</summary>
    public static int RunXentop(XlContext ctx, IReadOnlyList<string> args)
    {
        var options = XentopOptions.Parse(args, ProgramName, ctx.Out, ctx.Err, out int exit);
        if (options is null)
            return exit;
        if (!options.Batch && !(TerminalMode.IsTerminal(0) && TerminalMode.IsTerminal(1)))
        {
            // xentop needs curses' terminal; a pipe or file gets batch mode's text.
            ctx.Err.Write($"{ProgramName}: not a terminal; use -b for batch mode\n");
            return 1;
        }
        return DomainArgs.Guard(ctx, client => options.Batch ? Batch(ctx, client, options) : Interactive(ctx, client, options));
    }

    private static XentopSnapshot Sample(XenodClient client) => XentopSnapshot.From(client.GetStatisticsAsync().Sync());

    private static int Batch(XlContext ctx, XenodClient client, XentopOptions options)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        XentopSnapshot? previous = null;
        for (int i = 1; ; i++)
        {
            var now = Sample(client);
            ctx.Out.Write(XentopTable.Format(now, previous, options));
            ctx.Out.Flush();
            previous = now;
            if (options.Iterations is { } n && i >= n)
                return 0;
            if (!Sleep(TimeSpan.FromSeconds(Math.Max(0, options.Delay)), stop.Token))
                return 0;
        }
    }

    /// <summary>False when stopped by a signal.</summary>
    private static bool Sleep(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            Task.Delay(delay, stop).Wait(stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int Interactive(XlContext ctx, XenodClient client, XentopOptions options)
    {
        string version = client.GetHostAsync().Sync().XenoVersion;
        using var raw = TerminalMode.Raw(0);
        var keys = Channel.CreateUnbounded<byte>();
        var input = new Thread(() => ReadKeys(keys.Writer)) { IsBackground = true, Name = "xentop keys" };
        input.Start();
        ctx.Out.Write("\x1b[?1049h\x1b[?25l"); // alternate screen, no cursor: the screen comes back on exit
        try
        {
            XentopSnapshot? previous = null;
            for (int i = 1; ; i++)
            {
                var now = Sample(client);
                var screen = XentopTable.Summary(now, version, DateTime.Now) + XentopTable.Format(now, previous, options) +
                             "\n  Delay  Networks  vBds  VCPUs  Repeat header  Sort order  Quit";
                ctx.Out.Write("\x1b[H\x1b[2J" + screen.Replace("\n", "\r\n", StringComparison.Ordinal));
                ctx.Out.Flush();
                previous = now;
                if (options.Iterations is { } n && i >= n)
                    return 0;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Max(1, options.Delay));
                while (true)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) break;
                    using var wait = new CancellationTokenSource(left);
                    byte key;
                    try
                    {
                        key = keys.Reader.ReadAsync(wait.Token).AsTask().GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    catch (ChannelClosedException)
                    {
                        return 0; // stdin closed
                    }
                    switch ((char)key)
                    {
                        case 'q' or 'Q' or '\x1b': return 0;
                        case 'n' or 'N': options = options with { Networks = !options.Networks }; break;
                        case 'b' or 'B': options = options with { Vbds = !options.Vbds }; break;
                        case 'v' or 'V': options = options with { Vcpus = !options.Vcpus }; break;
                        case 'r' or 'R': options = options with { RepeatHeader = !options.RepeatHeader }; break;
                        default: continue;
                    }
                    break; // a toggle redraws at once, as xentop does
                }
            }
        }
        finally
        {
            ctx.Out.Write("\x1b[?25h\x1b[?1049l");
            ctx.Out.Flush();
        }
    }

    private static void ReadKeys(ChannelWriter<byte> keys)
    {
        using var stdin = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);
        var buffer = new byte[64];
        try
        {
            int n;
            while ((n = stdin.Read(buffer)) > 0)
            {
                for (int i = 0; i < n; i++)
                    keys.TryWrite(buffer[i]);
            }
        }
        catch (IOException)
        {
        }
        keys.TryComplete();
    }
}
