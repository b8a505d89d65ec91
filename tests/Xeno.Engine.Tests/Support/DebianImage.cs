namespace Xeno.Engine.Tests.Support;

/// <summary>
/// The real Debian 12 guest disk built by scripts/debian-image/build (cached in
/// &lt;repo&gt;/.cache/debian-image by package versions), with the test admin login:
/// user "admin", the password in RealGuests/admin-password. scripts/test builds it ahead of the
/// tests with the same arguments, so here it is normally only looked up; a failing build fails
/// the tests with the script's own message. Boot it through a qcow2 overlay: the cached file is shared.
/// </summary>
internal sealed class DebianImage
{
    private static readonly Lazy<DebianImage> Shared = new(Build);

    private DebianImage(Dictionary<string, string> outputs)
    {
        Disk = outputs["image"];
        KernelVersion = outputs["kernel_version"];
        AdminUser = outputs["admin_user"];
    }

    /// <summary>The raw MBR disk (read-only in the cache).</summary>
    public string Disk { get; }

    public string KernelVersion { get; }

    public string AdminUser { get; }

    public static string PasswordFile => Path.Combine(GuestKit.RepoRoot(), "tests", "Xeno.Engine.Tests", "RealGuests", "admin-password");

    public static string Password => File.ReadAllText(PasswordFile).TrimEnd('\n');

    public static DebianImage Get() => Shared.Value;

    private static DebianImage Build() =>
        new(RepoScript.Outputs(Path.Combine("scripts", "debian-image", "build"), "--admin-password-file", PasswordFile));
}
