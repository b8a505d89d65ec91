using System.Globalization;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Guests;

/// <summary>
/// xenod's running and recent helper-guest operations of one kind, by id: one running operation
/// per name at a time; the last <see cref="Kept"/> finished ones stay readable until xenod restarts.
/// </summary>
internal sealed class HelperOperations<TResult>(string kind) where TResult : class
{
    public const int Kept = 64;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HelperOperation<TResult>> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _next;

    /// <summary>A new running operation on <paramref name="name"/>; <paramref name="busy"/> is the conflict's message when one runs already.</summary>
    public HelperOperation<TResult> Add(string name, string busy)
    {
        lock (_lock)
        {
            if (_byId.Values.Any(p => p.Running && p.Name == name))
                throw new EngineException(EngineErrorKind.Conflict, busy);
            string id = (++_next).ToString(CultureInfo.InvariantCulture);
            var operation = new HelperOperation<TResult>(id, name);
            _byId[id] = operation;
            _order.Enqueue(id);
            while (_order.Count > Kept && _byId.TryGetValue(_order.Peek(), out var oldest) && !oldest.Running)
                _byId.Remove(_order.Dequeue());
            return operation;
        }
    }

    public HelperOperation<TResult> Get(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var p)
                ? p
                : throw new EngineException(EngineErrorKind.NotFound, $"no {kind} {id} (xenod keeps the last {Kept} finished ones until it restarts)");
        }
    }
}
