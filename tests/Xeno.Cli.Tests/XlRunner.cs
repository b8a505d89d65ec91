using Xeno.Cli;

namespace Xeno.Cli.Tests;

/// <summary>Runs xl in-process against an isolated prefix in a temporary directory.</summary>
internal sealed class XlRunner : IDisposable
{
    public XlRunner()
    {
        Root = Directory.CreateTempSubdirectory("xeno-xl-").FullName;
        Prefix = Path.Combine(Root, "prefix");
        Directory.CreateDirectory(Prefix);
    }

    public string Root { get; }
    public string Prefix { get; }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void WriteXlConf(string text) => WriteFile("prefix/etc/xeno/xl.conf", text);

    public (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = XlMain.Run(args, o, e, Prefix);
        return (exit, o.ToString(), e.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
