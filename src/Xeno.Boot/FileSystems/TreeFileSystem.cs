namespace Xeno.Boot.FileSystems;

/// <summary>
/// Path resolution shared by all filesystems: walks '/'-separated paths from the root, handles
/// "." and "..", follows symbolic links (absolute ones from this filesystem's root, relative
/// ones from the link's directory) with a bound on how many are followed.
/// </summary>
public abstract class TreeFileSystem<TNode> : IGuestFileSystem where TNode : class
{
    /// <summary>Linux's limit on symbolic links followed while resolving one path.</summary>
    public const int MaxSymlinkFollows = 40;
    private const int MaxPendingComponents = 8192;
    private const int MaxPathLength = 4096;

    public abstract string Kind { get; }

    protected abstract TNode Root { get; }
    protected abstract NodeType TypeOf(TNode node);
    protected abstract TNode? Lookup(TNode directory, string name);
    protected abstract IReadOnlyList<string> List(TNode directory);
    protected abstract string ReadLink(TNode link);
    protected abstract Stream Open(TNode file);

    public bool FileExists(string path) => Resolve(path) is { } n && TypeOf(n) == NodeType.File;

    public bool DirectoryExists(string path) => Resolve(path) is { } n && TypeOf(n) == NodeType.Directory;

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var node = Resolve(path) ?? throw new BootException($"{Kind}: no such directory '{path}'");
        if (TypeOf(node) != NodeType.Directory)
        {
            throw new BootException($"{Kind}: '{path}' is not a directory");
        }
        return List(node);
    }

    public Stream OpenFile(string path)
    {
        var node = Resolve(path) ?? throw new BootException($"{Kind}: no such file '{path}'");
        return TypeOf(node) switch
        {
            NodeType.File => Open(node),
            NodeType.Directory => throw new BootException($"{Kind}: '{path}' is a directory"),
            _ => throw new BootException($"{Kind}: '{path}' is not a regular file"),
        };
    }

    /// <summary>Finds the node <paramref name="path"/> names, following every symbolic link; null when some part does not exist.</summary>
    protected TNode? Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > MaxPathLength)
        {
            throw new BootException($"{Kind}: path longer than {MaxPathLength} characters");
        }
        var trail = new List<TNode> { Root };
        var pending = new Stack<string>();
        PushComponents(pending, path);
        int follows = 0;
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name is "" or ".")
            {
                continue;
            }
            if (name == "..")
            {
                if (trail.Count > 1)
                {
                    trail.RemoveAt(trail.Count - 1);
                }
                continue;
            }
            var current = trail[^1];
            if (TypeOf(current) != NodeType.Directory)
            {
                return null;
            }
            var child = Lookup(current, name);
            if (child is null)
            {
                return null;
            }
            if (TypeOf(child) == NodeType.Symlink)
            {
                if (++follows > MaxSymlinkFollows)
                {
                    throw new BootException($"{Kind}: too many levels of symbolic links resolving '{path}'");
                }
                string target = ReadLink(child);
                if (target.StartsWith('/'))
                {
                    trail.RemoveRange(1, trail.Count - 1);
                }
                PushComponents(pending, target);
                if (pending.Count > MaxPendingComponents)
                {
                    throw new BootException($"{Kind}: symbolic links expand '{path}' beyond {MaxPendingComponents} components");
                }
                continue;
            }
            trail.Add(child);
        }
        return trail[^1];
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
