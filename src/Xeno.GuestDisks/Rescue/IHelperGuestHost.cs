namespace Xeno.GuestDisks.Rescue;

/// <summary>
/// What the conversion needs from whoever runs domains (xl through xenod's API today; xenod's
/// engine itself later): start a helper guest from an xl.cfg text and follow it to its end, and
/// say which domains use a disk.
/// </summary>
public interface IHelperGuestHost
{
    /// <summary>Names of the domains (running or not) whose config names <paramref name="disk"/> (a full path).</summary>
    IReadOnlyList<string> DomainsUsing(string disk);

    bool DomainExists(string name);

    /// <summary>
    /// Creates the helper from <paramref name="config"/>, passes its progress lines to
    /// <paramref name="progress"/> as they come, and returns its report once it has powered off
    /// (a helper that overstays <paramref name="timeout"/> is destroyed and reported as failed).
    /// </summary>
    /// <param name="consoleLog">Where its console log is, for the failure message.</param>
    HelperReport Run(string name, string config, HelperConsole console, TimeSpan timeout, Action<string> progress, out string consoleLog);
}

/// <summary>The helper guest could not be started, or failed; <see cref="Exception.Message"/> says whether the guest's disk was changed.</summary>
public sealed class HelperGuestException(string message) : Exception(message);
