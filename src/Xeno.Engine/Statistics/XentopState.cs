using Xeno.Engine.Domains;

namespace Xeno.Engine.Statistics;

/// <summary>xentop's state column: six letters in its order d s b c p r, '-' where a flag is clear.</summary>
public static class XentopState
{
    public static string Of(DomainSnapshot snap)
    {
        // xl list's letters are r b p s <reason> d; xentop shows the same flags reordered, and a
        // crashed domain is shut down too (libxenstat: crashed = shutdown with reason crash).
        var l = snap.StateLetters;
        bool running = l[0] == 'r', blocked = l[1] == 'b', paused = l[2] == 'p', shutdown = l[3] == 's';
        bool crashed = shutdown && l[4] == 'c', dying = l[5] == 'd';
        return new string([
            dying ? 'd' : '-', shutdown ? 's' : '-', blocked ? 'b' : '-',
            crashed ? 'c' : '-', paused ? 'p' : '-', running ? 'r' : '-',
        ]);
    }
}
