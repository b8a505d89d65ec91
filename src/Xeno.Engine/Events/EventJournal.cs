using System.Text.Json;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Events;

/// <summary>
/// The event log's file: JSON lines appended as events are published, rewritten with only the
/// bounded history once it holds twice that many lines, so it never grows without bound. A
/// journal that cannot be read or written never stops xenod: the problem is logged and the
/// events live on in memory.
/// </summary>
internal sealed class EventJournal : IDisposable
{
    /// <summary>Larger journals are read from their tail only (compaction keeps them far smaller).</summary>
    internal const int MaxReadBytes = 16 << 20;

    private readonly string _path;
    private readonly Action<string> _log;
    private FileStream? _file;
    private int _lines;
    private bool _failed;

    private EventJournal(string path, Action<string> log)
    {
        _path = path;
        _log = log;
    }

    /// <summary>Reads what the previous xenod left and starts a clean journal holding just that.</summary>
    public static (EventJournal Journal, EventJournalContents Contents) Open(string path, int capacity, Action<string> log)
    {
        var journal = new EventJournal(path, log);
        var contents = journal.Load(capacity);
        foreach (var problem in contents.Problems.Take(10))
            log($"event journal {path}: {problem}");
        if (contents.Problems.Count > 10)
            log($"event journal {path}: {contents.Problems.Count - 10} more problems");
        // Rewriting drops torn and corrupt lines, so appends never glue onto a torn one.
        journal.Rewrite(contents.Events);
        return (journal, contents);
    }

    private EventJournalContents Load(int capacity)
    {
        try
        {
            using var f = new FileStream(_path, FileMode.Open, FileAccess.Read);
            long skip = Math.Max(0, f.Length - MaxReadBytes);
            f.Position = skip;
            var bytes = new byte[f.Length - skip];
            f.ReadExactly(bytes);
            var span = bytes.AsSpan();
            if (skip > 0)
            {
                // Started mid-line: drop the partial first line.
                int nl = span.IndexOf((byte)'\n');
                span = nl < 0 ? [] : span[(nl + 1)..];
            }
            return EventJournalReader.Read(span, capacity);
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log($"event journal {_path}: cannot read it ({e.Message}); starting with an empty history");
        }
        return new EventJournalContents([], [], 0);
    }

    public void Append(DomainEvent e)
    {
        if (_file is null)
            return;
        try
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(e, ApiJsonContext.Default.DomainEvent);
            _file.Write(line);
            _file.WriteByte((byte)'\n');
            _file.Flush();
            _lines++;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("cannot append", ex);
        }
    }

    /// <summary>Whether the file has grown enough that <see cref="Rewrite"/> should shrink it.</summary>
    public bool NeedsCompaction(int capacity) => _file is not null && _lines >= 2 * capacity;

    /// <summary>Replaces the journal with <paramref name="history"/> (temporary file, then rename).</summary>
    public void Rewrite(IEnumerable<DomainEvent> history)
    {
        if (_failed)
            return;
        try
        {
            _file?.Dispose();
            _file = null;
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".new";
            int lines = 0;
            using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                foreach (var e in history)
                {
                    f.Write(JsonSerializer.SerializeToUtf8Bytes(e, ApiJsonContext.Default.DomainEvent));
                    f.WriteByte((byte)'\n');
                    lines++;
                }
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
            _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            _lines = lines;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("cannot rewrite", ex);
        }
    }

    private void Fail(string what, Exception ex)
    {
        _log($"event journal {_path}: {what} it ({ex.Message}); events are kept in memory only until xenod restarts");
        _failed = true;
        _file?.Dispose();
        _file = null;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
