using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Xeno.Api.Client;
using Xeno.Qemu.Interop;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// xl's side of xenod's descriptor inbox (docs/api.md): hands the migration channel (the rune's
/// stdin pipe on the sender, xl's own stdin on the receiver) to xenod, which gives it to QEMU, so
/// QEMU's stream goes straight between the two QEMUs and the transport. The connection stays open
/// until <see cref="Dispose"/>: xenod closes a descriptor that no request took when it ends.
/// While QEMU owns the channel, xl neither reads nor writes it.
/// </summary>
internal sealed class ChannelHandOver : IDisposable
{
    private readonly Socket _socket;

    private ChannelHandOver(Socket socket, string token)
    {
        _socket = socket;
        Token = token;
    }

    /// <summary>The pipe buffer asked for: Linux's default maximum for an unprivileged process.</summary>
    public const int PipeBytes = 1 << 20;

    /// <summary>What a migrate or incoming request names (fd_token).</summary>
    public string Token { get; }

    /// <summary>
    /// Hands <paramref name="channel"/> to the xenod of <paramref name="apiSocketPath"/>; null (and
    /// <paramref name="why"/>) when that xenod has no inbox or refuses, so the caller can relay instead.
    /// </summary>
    public static ChannelHandOver? TryOffer(string apiSocketPath, SafeHandle channel, out string? why)
    {
        // A pipe (the rune's stdin, or ssh's or a pipeline's on the receiver) gets 1 MiB: QEMU and
        // the other side then wake each other 16 times less often than through 64 KiB.
        UnixRights.TryGrowPipe(channel, PipeBytes);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(XenodFdSocket.PathFor(apiSocketPath)));
            UnixRights.Send(socket.SafeHandle, [XenodFdSocket.Offer], channel);
            string answer = ReadLine(socket);
            if (answer.Length != XenodFdSocket.TokenLength || !answer.All(char.IsAsciiHexDigitLower))
            {
                why = answer.StartsWith('!') ? "xenod refused the descriptor: " + answer[1..] : $"xenod's descriptor inbox answered \"{answer}\"";
                socket.Dispose();
                return null;
            }
            why = null;
            return new ChannelHandOver(socket, answer);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            why = $"xenod's descriptor inbox {XenodFdSocket.PathFor(apiSocketPath)}: {e.Message}";
            socket.Dispose();
            return null;
        }
    }

    private static string ReadLine(Socket socket)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length <= 256)
        {
            if (socket.Receive(one) == 0)
                throw new IOException("the connection closed before the answer");
            if (one[0] == (byte)'\n')
                return line.ToString();
            line.Append((char)one[0]);
        }
        throw new IOException("the answer is too long");
    }

    public void Dispose() => _socket.Dispose();
}
