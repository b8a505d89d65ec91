using Xeno.Config.Text;

namespace Xeno.Config.Specs;

/// <summary>
/// Memory sizes for <c>xl mem-set</c>/<c>mem-max</c> (xl's parse_mem_size_kb): a decimal number
/// with an optional one-letter unit b, k, m, g or t (any case). No unit means MiB, not KiB as
/// xl(1) claims. The error xl prints for a rejected size is <see cref="InvalidMessage"/>.
/// </summary>
public static class MemorySize
{
    public static bool TryParseKb(string text, out long kb)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = DiskSpecParser.CString(text);
        kb = CNumber.StrToL(text, 0, 10, out int end);
        // With no digits strtoll leaves end at the start, so the whole text is taken as the unit.
        int unitAt = end;
        if (text.Length - unitAt > 1) { kb = 0; return false; }
        char unit = unitAt < text.Length ? char.ToLowerInvariant(text[unitAt]) : '\0';
        unchecked
        {
            switch (unit)
            {
                case 't': kb <<= 30; break;
                case 'g': kb <<= 20; break;
                case '\0' or 'm': kb <<= 10; break;
                case 'k': break;
                case 'b': kb >>= 10; break;
                default: kb = 0; return false;
            }
        }
        // xl uses -1 as its error value, so a size that works out to -1 KiB is rejected too.
        if (kb == -1) { kb = 0; return false; }
        return true;
    }

    /// <summary>The line xl prints when a size is rejected.</summary>
    public static string InvalidMessage(string text) => $"invalid memory size: {text}";
}
