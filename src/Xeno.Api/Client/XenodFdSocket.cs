namespace Xeno.Api.Client;

/// <summary>
/// xenod's file-descriptor inbox (docs/api.md, "Handing a file descriptor to xenod"): a unix
/// socket beside the API socket where a client passes an open descriptor (SCM_RIGHTS) and gets a
/// token that a later API request names. The descriptor lives in xenod while the client keeps
/// that connection open and is claimed at most once.
/// </summary>
public static class XenodFdSocket
{
    /// <summary>The inbox of the xenod whose API socket is <paramref name="apiSocketPath"/>.</summary>
    public static string PathFor(string apiSocketPath) => apiSocketPath + ".fd";

    /// <summary>The one byte a client sends with its descriptor attached.</summary>
    public const byte Offer = (byte)'F';

    /// <summary>Tokens are this many lowercase hex digits; the answer is the token and a newline, or '!', a reason and a newline.</summary>
    public const int TokenLength = 32;
}
