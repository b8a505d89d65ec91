using System.Text;
using System.Text.Json;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Events;

/// <summary>What a journal held: the events still usable, oldest first, and what was wrong with the rest.</summary>
public sealed record EventJournalContents(IReadOnlyList<DomainEvent> Events, IReadOnlyList<string> Problems, long HighestId);

/// <summary>
/// Reads the event journal (one DomainEvent as JSON per line, ids increasing). Untrusted bytes:
/// a crash can tear the last line and a disk can corrupt any of them, so every line that is not
/// a whole, well-formed event with an id above the previous one is skipped and named in
/// <see cref="EventJournalContents.Problems"/>; reading never throws.
/// </summary>
public static class EventJournalReader
{
    public static EventJournalContents Read(ReadOnlySpan<byte> bytes, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var events = new Queue<DomainEvent>();
        var problems = new List<string>();
        long last = 0, highest = 0;
        int lineNumber = 0;
        while (!bytes.IsEmpty)
        {
            lineNumber++;
            int end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                // Written without its newline: the write was cut short by a crash.
                problems.Add($"line {lineNumber}: torn last line ({bytes.Length} bytes without a newline) ignored");
                break;
            }
            var line = bytes[..end];
            bytes = bytes[(end + 1)..];
            if (line.IsEmpty)
                continue;
            if (Parse(line) is not { } e)
            {
                problems.Add($"line {lineNumber}: not a journal event ({Preview(line)}) ignored");
                continue;
            }
            highest = Math.Max(highest, e.Id);
            if (e.Id <= last)
            {
                problems.Add($"line {lineNumber}: event id {e.Id} does not follow {last}; ignored");
                continue;
            }
            last = e.Id;
            events.Enqueue(e);
            if (events.Count > capacity)
                events.Dequeue();
        }
        return new EventJournalContents(events.ToArray(), problems, highest);
    }

    private static DomainEvent? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var e = JsonSerializer.Deserialize(line, ApiJsonContext.Default.DomainEvent);
            return e is { Id: > 0 } ? e : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Preview(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 40)]);
        var printable = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return line.Length > 40 ? $"\"{printable}…\", {line.Length} bytes" : $"\"{printable}\"";
    }
}
