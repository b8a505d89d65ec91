namespace Xeno.Store.Watches;

/// <summary>
/// A registered watch. <see cref="Path"/> is canonical (absolute or special);
/// <see cref="RelativePrefix"/> is set when the client registered a relative path, so
/// events are reported relative again. <see cref="Depth"/> limits how far below the path
/// changes are reported (null: unlimited).
/// </summary>
public sealed record Watch(string Path, string Token, string? RelativePrefix, int? Depth)
{
    /// <summary>The event path as the client should see it.</summary>
    public string Present(string eventPath)
    {
        if (RelativePrefix is null || !eventPath.StartsWith(RelativePrefix, StringComparison.Ordinal)) return eventPath;
        return eventPath[RelativePrefix.Length..];
    }
}
