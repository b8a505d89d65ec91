using Xeno.Api.Contracts;

namespace Xeno.Engine.Domains.Supervision;

/// <summary>
/// One domain's supervisor: serialises that domain's operations behind its own gate (nothing
/// here ever waits for another domain), answers each request from <see cref="PhaseRules"/>
/// before waiting, and moves the phase only along <see cref="PhaseTransitions"/>. A destroy
/// cancels whatever runs on the domain (a hung QMP call, a core dump) instead of queueing behind it.
/// </summary>
internal sealed class DomainSupervisor(Domain domain, EngineContext context)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _sync = new();
    private TaskCompletionSource _changed = NewSignal();
    private bool _gone;

    public Domain Domain { get; } = domain;

    /// <summary>True once the domain left the registry (destroyed, or its start failed).</summary>
    public bool Gone
    {
        get
        {
            lock (_sync)
                return _gone;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Moves the phase; a move the table does not allow is an engine bug.</summary>
    public void MoveTo(DomainPhase to)
    {
        lock (_sync)
        {
            var from = Domain.Phase;
            if (from == to)
                return;
            if (!PhaseTransitions.Allows(from, to))
                throw new InvalidOperationException($"domain {Domain.Domid}: phase {from} cannot become {to}");
            Domain.Phase = to;
            SignalLocked();
        }
        context.Emit(DomainEventKind.Phase, Domain, e => e with { Phase = to.Name() });
    }

    /// <summary>The registry dropped the domain: waiting requests wake and find it gone.</summary>
    public void MarkGone()
    {
        lock (_sync)
        {
            _gone = true;
            SignalLocked();
        }
    }

    private void SignalLocked()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    /// <summary>
    /// Runs <paramref name="action"/> on this domain once the phase table allows
    /// <paramref name="op"/> and the domain's earlier operations are done. Conflict answers throw
    /// at once; Wait answers wait for the phase to change. A destroy finding the domain gone succeeds.
    /// </summary>
    public async Task<T> RunAsync<T>(DomainOperation op, Func<CancellationToken, Task<T>> action, CancellationToken cancel)
    {
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                if (_gone)
                    return GoneAnswer<T>(op);
                var answer = PhaseRules.Answer(Domain.Phase, op);
                if (answer == PhaseAnswerKind.Conflict)
                    throw new EngineException(EngineErrorKind.Conflict, PhaseRules.ConflictMessage(Domain.Phase, Domain.Domid, Domain.Name));
                changed = _changed.Task;
                if (answer == PhaseAnswerKind.Allowed && op == DomainOperation.Destroy)
                    _abort.Cancel(); // whatever runs on this domain gives way to its destruction
                if (answer == PhaseAnswerKind.Allowed)
                    changed = Task.CompletedTask;
            }
            if (!changed.IsCompleted)
            {
                await changed.WaitAsync(cancel);
                continue;
            }
            await _gate.WaitAsync(cancel);
            try
            {
                lock (_sync)
                {
                    if (_gone)
                        return GoneAnswer<T>(op);
                    if (PhaseRules.Answer(Domain.Phase, op) != PhaseAnswerKind.Allowed)
                        continue; // the phase changed while we queued: ask the table again
                }
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel,
                    op == DomainOperation.Destroy ? CancellationToken.None : _abort.Token);
                try
                {
                    return await action(linked.Token);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested && !cancel.IsCancellationRequested)
                {
                    throw new EngineException(EngineErrorKind.Conflict, $"domain {Domain.Name} is being destroyed");
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// The end of a start: the domain is in phase Creating (every request waits), so the gate is
    /// free; holding it while the domain is registered keeps a waiting destroy from racing the registration.
    /// </summary>
    public async Task SettleAsync(Func<Task> register)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await register();
        }
        finally
        {
            _gate.Release();
        }
    }

    private T GoneAnswer<T>(DomainOperation op) => op == DomainOperation.Destroy
        ? default!
        : throw new EngineException(EngineErrorKind.NotFound, $"Domain {Domain.Domid} does not exist.");
}
