using System.Text;

namespace Xeno.Store.Wire;

/// <summary>Splits request payloads into their NUL-terminated string arguments.</summary>
public static class PayloadStrings
{
    /// <summary>Every NUL-terminated string in the payload, plus any unterminated tail.</summary>
    public static List<string> Split(ReadOnlySpan<byte> payload)
    {
        var result = new List<string>();
        while (!payload.IsEmpty)
        {
            var nul = payload.IndexOf((byte)0);
            if (nul < 0)
            {
                result.Add(Encoding.UTF8.GetString(payload));
                break;
            }
            result.Add(Encoding.UTF8.GetString(payload[..nul]));
            payload = payload[(nul + 1)..];
        }
        return result;
    }

    /// <summary>Number of NUL bytes, i.e. the count of properly terminated strings.</summary>
    public static int CountTerminated(ReadOnlySpan<byte> payload) => payload.Count((byte)0);

    /// <summary>
    /// The first NUL-terminated string (a path) or null when there is no NUL at all
    /// (Xen rejects such requests with EINVAL).
    /// </summary>
    public static string? First(ReadOnlySpan<byte> payload, out int next)
    {
        var nul = payload.IndexOf((byte)0);
        if (nul < 0) { next = payload.Length; return null; }
        next = nul + 1;
        return Encoding.UTF8.GetString(payload[..nul]);
    }
}
