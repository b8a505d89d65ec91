using Xeno.Config.Text;
using System.Text;

namespace Xeno.Config.Language;

/// <summary>
/// Resolves escapes in a quoted string token the way libxlutil does. Its quirks are kept on purpose:
/// <c>\NNN</c> (first digit 0-7) needs 2-3 decimal digits after the backslash and the character is then
/// dropped from the value; <c>\x</c> escapes are always rejected.
/// </summary>
internal static class StringDequoter
{
    private const string BadEscape = "invalid character after backlash in quoted string";
    private const string BadHex = "invalid digit after backslash hexnumerical character escape in quoted string";
    private const string BadOctal = "invalid digit after backslash octalnumerical character escape in quoted string";

    // Deliberate deviation: libxlutil hits an assertion (xl aborts) on a NUL byte inside quotes.
    internal const string NulInString = "NUL character in quoted string";

    /// <summary>The value of <paramref name="token"/> (quotes included), or null if the parse already failed.</summary>
    public static string? Dequote(string token, ParseContext ctx)
    {
        if (ctx.Failed) return null;
        if (token.Contains('\0'))
        {
            ctx.LexicalError(NulInString);
            ctx.MarkFailed();
            return null;
        }

        var result = new StringBuilder(token.Length);
        int end = token.Length - 1; // the closing quote
        int p = 1;
        while (p < end)
        {
            char c = token[p++];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            char nc = token[p++];
            switch (nc)
            {
                case '"' or '\'' or '\\': result.Append(nc); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 't': result.Append('\t'); break;
                case 'v': result.Append('\v'); break;
                case 'x':
                    // libxlutil skips one more character and then needs more than 2 digits out of a 2-digit buffer.
                    p++;
                    if (!SkipNumber(token, ref p, 2, 2, 16)) return Fail(ctx, BadHex, result);
                    break;
                case >= '0' and <= '7':
                    if (!SkipNumber(token, ref p, 1, 3, 10)) return Fail(ctx, BadOctal, result);
                    break;
                default:
                    return Fail(ctx, BadEscape, result);
            }
        }
        return result.ToString();
    }

    private static string Fail(ParseContext ctx, string message, StringBuilder partial)
    {
        ctx.LexicalError(message);
        ctx.MarkFailed();
        return partial.ToString();
    }

    /// <summary>Consumes what strtoul reads from the next <paramref name="maxLen"/> characters; fails unless it reads more than <paramref name="minLen"/>.</summary>
    private static bool SkipNumber(string token, ref int p, int minLen, int maxLen, int radix)
    {
        int available = Math.Clamp(token.Length - p, 0, maxLen);
        var buffer = available > 0 ? token.Substring(p, available) : "";
        CNumber.StrToUL(buffer, 0, radix, out int consumed, out _);
        if (consumed <= minLen) return false;
        p += consumed;
        return true;
    }
}
