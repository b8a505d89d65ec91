namespace Xeno.Store.Tree;

/// <summary>
/// Xenstore path rules: absolute paths start with '/', use only [A-Za-z0-9-/_@], contain no
/// "//" and no trailing '/' (except the root). Relative paths resolve under the caller's
/// /local/domain/&lt;id&gt;. '@' paths name the special watch nodes.
/// </summary>
public static class StorePath
{
    /// <summary>XENSTORE_ABS_PATH_MAX.</summary>
    public const int AbsoluteMax = 3072;

    /// <summary>XENSTORE_REL_PATH_MAX.</summary>
    public const int RelativeMax = 2048;

    public const string IntroduceDomain = "@introduceDomain";
    public const string ReleaseDomain = "@releaseDomain";

    public static string DomainPath(uint domainId) => "/local/domain/" + domainId;

    public static bool IsSpecial(string path) => path == IntroduceDomain || path == ReleaseDomain;

    /// <summary>Makes a request path absolute for a connection acting as <paramref name="domainId"/>.</summary>
    public static string Canonicalize(uint domainId, string path, out bool wasRelative)
    {
        wasRelative = path.Length == 0 || (path[0] != '/' && path[0] != '@');
        return wasRelative ? DomainPath(domainId) + "/" + path : path;
    }

    public static bool HasValidCharacters(string path)
    {
        foreach (var c in path)
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '/' or '_' or '@';
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether an absolute (canonical) path is a valid node name; <paramref name="pathMax"/>
    /// bounds the part below the caller's own domain path (Xen's path-max quota).
    /// </summary>
    public static bool IsValidNode(string path, uint domainId, int pathMax)
    {
        if (path.Length == 0 || path[0] != '/') return false;
        if (path.Length > AbsoluteMax) return false;
        if (path.Contains("//", StringComparison.Ordinal)) return false;
        if (path.Length > 1 && path[^1] == '/') return false;
        if (!HasValidCharacters(path)) return false;
        var local = DomainPath(domainId) + "/";
        var counted = path.StartsWith(local, StringComparison.Ordinal) ? path.Length - local.Length : path.Length;
        return counted <= pathMax;
    }

    public static string Parent(string path)
    {
        if (path == "/") return "/";
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    public static string Name(string path) => path == "/" ? "" : path[(path.LastIndexOf('/') + 1)..];

    public static string Child(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    /// <summary>Whether <paramref name="path"/> equals <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsSelfOrDescendant(string path, string ancestor)
    {
        if (ancestor == "/") return path.StartsWith('/');
        if (!path.StartsWith(ancestor, StringComparison.Ordinal)) return false;
        return path.Length == ancestor.Length || path[ancestor.Length] == '/';
    }

    /// <summary>Number of path components of <paramref name="path"/> below <paramref name="ancestor"/>.</summary>
    public static int DepthBelow(string path, string ancestor)
    {
        if (path.Length == ancestor.Length) return 0;
        var rest = ancestor == "/" ? path.AsSpan(1) : path.AsSpan(ancestor.Length + 1);
        return rest.Count('/') + 1;
    }
}
