namespace Xeno.GuestDisks.Rescue;

/// <summary>
/// What the conversion needs from whoever runs domains (xenod's engine: Xeno.Engine's
/// EngineHelperGuests): start a helper guest from an xl.cfg text and follow it to its end, and
/// say which domains use a disk.
/// </summary>
public interface IHelperGuestHost
{
    /// <summary>The domains (as "domid (name)") whose disks include <paramref name="disk"/> (a full path).</summary>
    Task<IReadOnlyList<string>> DomainsUsingAsync(string disk);

    Task<bool> DomainExistsAsync(string name);

    /// <summary>
    /// Creates the helper from <paramref name="config"/>, passes its progress lines to
    /// <paramref name="progress"/> as they come, and returns its report once it has powered off
    /// (a helper that overstays <paramref name="timeout"/> is destroyed and reported as failed).
    /// Throws <see cref="HelperGuestNotStartedException"/> when the helper could not be created.
    /// </summary>
    Task<HelperGuestRun> RunAsync(string name, string config, HelperConsole console, TimeSpan timeout, Action<string> progress);
}

/// <summary>A helper guest's end: its report and where its console log is (for failure messages).</summary>
public sealed record HelperGuestRun(HelperReport Report, string ConsoleLog);

/// <summary>The helper guest could not be started, or failed; <see cref="Exception.Message"/> says whether the guest's disk was changed.</summary>
public sealed class HelperGuestException(string message) : Exception(message);

/// <summary>The helper guest's domain could not be created (its config or the engine refused): it never ran.</summary>
public sealed class HelperGuestNotStartedException(string message) : Exception(message);
