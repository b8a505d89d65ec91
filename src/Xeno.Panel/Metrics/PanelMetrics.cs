using System.Collections.Concurrent;
using Xeno.Api.Metrics;

namespace Xeno.Panel.Metrics;

/// <summary>
/// The panel's own figures since it started: requests and their durations by route, method
/// and status, logins and every audited action by result. Thread-safe; labels come only from
/// the panel's route table, a fixed method list and its own audit action names, so a client
/// cannot grow the series without bound.
/// </summary>
public sealed class PanelMetrics
{
    /// <summary>Request duration buckets in seconds (the page goal is 50 ms at p95).</summary>
    public static readonly IReadOnlyList<double> Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS" };

    private readonly ConcurrentDictionary<(string Route, string Method, int Code), long[]> _requests = new();
    private readonly ConcurrentDictionary<(string Route, string Method), Histogram> _durations = new();
    private readonly ConcurrentDictionary<(string Action, string Result), long[]> _audit = new();

    public void ObserveRequest(string route, string method, int code, double seconds)
    {
        method = Methods.Contains(method) ? method : "other";
        Interlocked.Increment(ref _requests.GetOrAdd((route, method, code), _ => new long[1])[0]);
        _durations.GetOrAdd((route, method), _ => new Histogram()).Observe(seconds);
    }

    /// <summary>An audit entry was written (AuditLog.Written).</summary>
    public void ObserveAudit(string action, string result) =>
        Interlocked.Increment(ref _audit.GetOrAdd((action, result), _ => new long[1])[0]);

    public void Write(MetricsText m)
    {
        m.Family("xeno_panel_requests_total", MetricType.Counter, "HTTP requests the panel answered, by route pattern, method and status code.");
        foreach (var ((route, method, code), n) in _requests.OrderBy(k => k.Key))
            m.Sample(Interlocked.Read(ref n[0]), ("route", route), ("method", method), ("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        m.Family("xeno_panel_request_duration_seconds", MetricType.Histogram, "Time from the request's arrival to the end of its answer, by route pattern and method.");
        foreach (var ((route, method), h) in _durations.OrderBy(k => k.Key))
        {
            var (cumulative, sum, count) = h.Read();
            m.Histogram(Buckets, cumulative, sum, count, ("route", route), ("method", method));
        }

        m.Family("xeno_panel_logins_total", MetricType.Counter, "Posted logins by result: ok, failed (wrong name or password), refused (rate limit).");
        foreach (var result in new[] { "ok", "failed", "refused" })
            m.Sample(_audit.TryGetValue(("login", result), out var n) ? Interlocked.Read(ref n[0]) : 0, ("result", result));

        m.Family("xeno_panel_audit_events_total", MetricType.Counter, "Audit log entries written, by action and result.");
        foreach (var ((action, result), n) in _audit.OrderBy(k => k.Key))
            m.Sample(Interlocked.Read(ref n[0]), ("action", action), ("result", result));
    }

    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[Buckets.Count];
        private long _count;
        private long _sumMicros;

        public void Observe(double seconds)
        {
            for (int i = 0; i < Buckets.Count; i++)
            {
                if (seconds <= Buckets[i])
                    Interlocked.Increment(ref _buckets[i]);
            }
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
            Interlocked.Increment(ref _count);
        }

        // Buckets are already cumulative (an observation counts in every bucket at or above it).
        // Read without a lock: a scrape racing a request may see it in some buckets only, which
        // Prometheus tolerates; the count is read last so it is never below a bucket.
        public (long[] Cumulative, double Sum, long Count) Read()
        {
            var b = new long[_buckets.Length];
            for (int i = 0; i < b.Length; i++)
                b[i] = Interlocked.Read(ref _buckets[i]);
            double sum = Interlocked.Read(ref _sumMicros) / 1e6;
            long count = Math.Max(Interlocked.Read(ref _count), b.Length == 0 ? 0 : b[^1]);
            return (b, sum, count);
        }
    }
}
