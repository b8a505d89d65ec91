using System.Text;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Language;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// `xl restore &lt;ConfigFile&gt; &lt;CheckpointFile&gt;` and `xl migrate -C &lt;config&gt;`: as Xen's xl, a
/// config file given on the command line replaces the domain's own config (the save file's, or
/// the running domain's for the target). It is read and checked here the way xl create reads one
/// (Xen's messages; restore also prints "Parsing config from"), before xenod is asked.
/// </summary>
internal static class RestoreConfigFile
{
    /// <summary>The domain built from <paramref name="filename"/>, or null with xl's messages written and the exit status in <paramref name="exit"/>.</summary>
    /// <param name="announce">Print "Parsing config from" (xl restore, as xl create; migrate -C does not).</param>
    /// <param name="readFailureExit">The exit status when the file cannot be read (restore: libxl's ERROR_FAIL, 3; migrate: 1).</param>
    public static DomainSpec? Read(XlContext ctx, string filename, out int exit, bool announce = true, int readFailureExit = 3)
    {
        exit = 1;
        string text;
        try
        {
            if (Directory.Exists(filename))
                throw new IOException("Is a directory", 21);
            // Config files are bytes; xl treats them as C strings.
            text = new UTF8Encoding(false, false).GetString(File.ReadAllBytes(filename));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Failed to read config file: {filename}: {Strerror.Of(e)}\n");
            exit = readFailureExit;
            return null;
        }
        if (announce)
            ctx.Err.Write($"Parsing config from {filename}\n");
        var parse = ConfigParser.Parse(text, filename);
        if (!parse.Success)
        {
            foreach (var line in parse.DiagnosticLines())
                ctx.Err.Write(line + "\n");
            ctx.Err.Write("Failed to parse config: Invalid argument\n");
            return null;
        }
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(ctx.Global, XenoHost.ReadCpuTopology(), Random.Shared));
        foreach (var message in build.Messages)
            ctx.Err.Write(message);
        if (!build.Ok)
        {
            exit = build.ExitCode;
            return null;
        }
        exit = 0;
        // Paths in the config are the user's, relative to where xl runs (xenod has its own directory).
        return Domain.CreateRequest.Absolute(build.Spec!, Directory.GetCurrentDirectory());
    }
}
