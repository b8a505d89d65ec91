using System.Globalization;
using Xeno.Config.Domain;
using Xeno.Engine.Domains.Supervision;

namespace Xeno.Engine.Domains.Registry;

/// <summary>
/// Names and domids of every domain and their supervisors. Its lock is held only for these
/// look-ups and reservations, never across an await or a QEMU call.
/// </summary>
internal sealed class DomainRegistry(DomidCounter domids)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<int, DomainSupervisor> _domains = [];

    /// <summary>Every domain, by domid.</summary>
    public IReadOnlyList<DomainSupervisor> All()
    {
        lock (_sync)
            return _domains.Values.OrderBy(s => s.Domain.Domid).ToList();
    }

    /// <summary>A domain by id (all digits) or name, as xl's find_domain does.</summary>
    public DomainSupervisor Find(string idOrName)
    {
        lock (_sync)
        {
            if (idOrName.Length > 0 && idOrName.All(char.IsAsciiDigit))
            {
                if (int.TryParse(idOrName, CultureInfo.InvariantCulture, out var id) && _domains.TryGetValue(id, out var byId))
                    return byId;
                throw new EngineException(EngineErrorKind.NotFound, $"Domain {idOrName} does not exist.");
            }
            return _domains.Values.FirstOrDefault(s => s.Domain.Name == idOrName)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"{idOrName} is an invalid domain identifier (rc=-6)");
        }
    }

    /// <summary>
    /// Takes the name and the next domid for a new domain (phase Creating); Xen's message when the
    /// name is in use (also by a domain being created), and the disk checks against the others
    /// (except the sending copy of a domain this one is the incoming migration twin of).
    /// </summary>
    public DomainSupervisor Reserve(DomainSpec spec, string name, Func<int, DomainSupervisor> build)
    {
        lock (_sync)
        {
            if (_domains.Values.Any(s => s.Domain.Name == name))
                throw new EngineException(EngineErrorKind.Conflict, $"Domain with name \"{name}\" already exists.");
            HostFiles.CheckDisks(spec, _domains.Values
                .Select(s => s.Domain)
                .Where(o => o.Qemu is not null || o.Phase == DomainPhase.Creating)
                .Where(o => !MigrationTwin.IsIncomingTwinOf(name, spec.Uuid, o.Name, o.Spec.Uuid))
                .Select(o => (o.Domid, o.Name, o.Spec)));
            var supervisor = build(domids.Take());
            _domains[supervisor.Domain.Domid] = supervisor;
            return supervisor;
        }
    }

    /// <summary>Counts domids past the ones a previous xenod handed out (before any is adopted).</summary>
    public void SkipDomidsUpTo(int domid)
    {
        lock (_sync)
            domids.AtLeast(domid + 1);
    }

    /// <summary>Registers a domain re-adopted from its runtime record.</summary>
    public void Adopt(DomainSupervisor supervisor)
    {
        lock (_sync)
        {
            domids.AtLeast(supervisor.Domain.Domid + 1);
            _domains[supervisor.Domain.Domid] = supervisor;
        }
    }

    /// <summary>Drops the domain; requests waiting on it wake and find it gone.</summary>
    public void Remove(DomainSupervisor supervisor)
    {
        lock (_sync)
        {
            if (_domains.TryGetValue(supervisor.Domain.Domid, out var current) && current == supervisor)
                _domains.Remove(supervisor.Domain.Domid);
        }
        supervisor.MarkGone();
    }

    /// <summary>Renames under the lock so two renames (or a rename and a create) cannot take one name.</summary>
    public void Rename(DomainSupervisor supervisor, string newName)
    {
        lock (_sync)
        {
            if (_domains.Values.Any(s => s != supervisor && s.Domain.Name == newName))
                throw new EngineException(EngineErrorKind.Conflict, $"Domain with name \"{newName}\" already exists.");
            supervisor.Domain.Name = newName;
        }
    }
}
