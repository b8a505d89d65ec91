using Xeno.Api.Contracts;

namespace Xeno.Engine.Guests;

/// <summary>One install's state as clients follow it: steps appended as they happen, then one ending. Thread-safe.</summary>
internal sealed class GuestInstallProgress(string id, string name)
{
    private readonly Lock _lock = new();
    private readonly List<string> _steps = [];
    private string _state = "running";
    private string? _error;
    private GuestInstallResult? _result;

    public string Id => id;
    public string Name => name;

    public bool Running
    {
        get { lock (_lock) return _state == "running"; }
    }

    public void Step(string text)
    {
        lock (_lock) _steps.Add(text);
    }

    public void Succeed(GuestInstallResult result)
    {
        lock (_lock) (_state, _result) = ("succeeded", result);
    }

    public void Fail(string error)
    {
        lock (_lock) (_state, _error) = ("failed", error);
    }

    public GuestInstallOperation Snapshot()
    {
        lock (_lock)
            return new GuestInstallOperation { Id = id, Name = name, State = _state, Steps = [.. _steps], Error = _error, Result = _result };
    }
}
