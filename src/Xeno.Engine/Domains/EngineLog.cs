using System.Collections.Concurrent;

namespace Xeno.Engine.Domains;

/// <summary>
/// xenod's own log (what `xl dmesg` shows): lines with a UTC timestamp, appended to
/// &lt;prefix&gt;/var/log/xeno/xenod.log and the recent ones kept in memory. `xl dmesg -c` empties
/// the recent lines (<see cref="TakeAll"/>); the file keeps everything, with a marker line so a
/// restarted xenod does not bring the cleared lines back.
/// </summary>
public sealed class EngineLog
{
    private const int Keep = 2000;

    /// <summary>Written to the file only, never to the recent lines: where the last clear happened.</summary>
    internal const string ClearedMarker = "xenod: -- recent lines cleared (xl dmesg -c) --";
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly TextWriter? _echo;
    private readonly Lock _write = new();

    public EngineLog(string? file, TimeProvider time, TextWriter? echo = null)
    {
        _file = file;
        _time = time;
        _echo = echo;
        if (file is not null && Path.GetDirectoryName(file) is { } dir)
            Directory.CreateDirectory(dir);
        if (file is not null && File.Exists(file))
        {
            var kept = new List<string>();
            foreach (var line in File.ReadLines(file))
            {
                if (line.EndsWith(ClearedMarker, StringComparison.Ordinal))
                    kept.Clear();
                else
                    kept.Add(line);
            }
            foreach (var line in kept.TakeLast(Keep))
                _recent.Enqueue(line);
        }
    }

    public void Info(string message)
    {
        var line = $"({_time.GetUtcNow():yyyy-MM-dd HH:mm:ss}) xenod: {message}";
        lock (_write)
        {
            _recent.Enqueue(line);
            while (_recent.Count > Keep)
                _recent.TryDequeue(out _);
            if (_file is not null)
            {
                try { File.AppendAllText(_file, line + "\n"); }
                catch (IOException) { } // the log must never take the daemon down
            }
            _echo?.WriteLine(line);
        }
    }

    public IReadOnlyList<string> Recent() => _recent.ToArray();

    /// <summary>The recent lines, removed as they are returned (Xen's console ring read with clear):
    /// a line logged meanwhile is either returned or kept, never lost.</summary>
    public IReadOnlyList<string> TakeAll()
    {
        lock (_write)
        {
            var lines = _recent.ToArray();
            _recent.Clear();
            if (_file is not null)
            {
                try { File.AppendAllText(_file, $"({_time.GetUtcNow():yyyy-MM-dd HH:mm:ss}) {ClearedMarker}\n"); }
                catch (IOException) { }
            }
            return lines;
        }
    }
}
