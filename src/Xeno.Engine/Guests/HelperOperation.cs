namespace Xeno.Engine.Guests;

/// <summary>
/// One helper-guest operation (an install, a conversion) as clients follow it: steps appended as
/// they happen, then one ending, a result or an error. Thread-safe.
/// </summary>
internal sealed class HelperOperation<TResult>(string id, string name) where TResult : class
{
    private readonly Lock _lock = new();
    private readonly List<string> _steps = [];
    private string _state = "running";
    private string? _error;
    private TResult? _result;

    public string Id => id;

    /// <summary>What it works on: the new guest's name, the converted disk.</summary>
    public string Name => name;

    public bool Running
    {
        get { lock (_lock) return _state == "running"; }
    }

    public void Step(string text)
    {
        lock (_lock) _steps.Add(text);
    }

    public void Succeed(TResult result)
    {
        lock (_lock) (_state, _result) = ("succeeded", result);
    }

    public void Fail(string error)
    {
        lock (_lock) (_state, _error) = ("failed", error);
    }

    /// <summary>The state as one consistent copy, shaped by <paramref name="shape"/> into the API's contract.</summary>
    public T Snapshot<T>(Func<string, string, string, IReadOnlyList<string>, string?, TResult?, T> shape)
    {
        lock (_lock) return shape(id, name, _state, [.. _steps], _error, _result);
    }
}
