using Xeno.Panel.Ssh;

namespace Xeno.Panel.Tests.Ssh;

public sealed class SshPublicKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("ed25519", 0)]
    [InlineData("ecdsa", 256)]
    [InlineData("ecdsa", 384)]
    [InlineData("ecdsa", 521)]
    [InlineData("rsa", 2048)]
    public void RealKeysParseWithSshKeygensFingerprint(string type, int bits)
    {
        var (line, fingerprint, _) = TestKeys.Make(_dir, type, bits, "ann@laptop two words");
        var (key, error) = SshPublicKey.Parse("  " + line + "\n");
        Assert.Null(error);
        Assert.Equal(fingerprint, key!.Fingerprint);
        Assert.Equal(line.Split(' ')[0], key.Type);
        Assert.Equal(line.Split(' ')[1], key.Blob);
        Assert.Equal("ann@laptop two words", key.Comment);
        Assert.Equal(key with { Comment = "" }, SshPublicKey.FromOffered(key.Type, key.Blob));
    }

    [Fact]
    public void BadLinesAreRefusedWithTheirReason()
    {
        var (line, _, _) = TestKeys.Make(_dir);
        var parts = line.Split(' ');
        var (rsa1024, _, _) = TestKeys.Make(_dir, "rsa", 1024);
        var (ecdsa, _, _) = TestKeys.Make(_dir, "ecdsa", 256);
        (string Line, string Message)[] cases =
        [
            ("", "Paste a public key"),
            ("   ", "Paste a public key"),
            ($"command=\"sh\" {line}", "starts with authorized_keys options"),
            ($"no-pty,restrict {line}", "starts with authorized_keys options"),
            ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "DSA keys are refused"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "not an OpenSSH public key line"),
            ("ssh-foo AAAA", "Unknown key type \"ssh-foo\""),
            ("ssh-ed25519", "no key after it"),
            ("ssh-ed25519 not*base64", "not valid base64"),
            ($"{line}\n{line}", "one key at a time"),
            ($"ssh-rsa {parts[1]}", "does not hold a ssh-rsa key"),
            ($"ecdsa-sha2-nistp384 {ecdsa.Split(' ')[1]}", "does not hold a ecdsa-sha2-nistp384 key"),
            ($"ssh-ed25519 {parts[1][..^8]}", "not a well-formed ssh-ed25519 key"),
            ($"ssh-ed25519 {Convert.ToBase64String([.. Convert.FromBase64String(parts[1]), 0])}", "not a well-formed"),
            (rsa1024, "RSA keys need at least 2048 bits; this one has 1024"),
            ($"{line} bad\u0007comment", "control characters"),
            ($"{line} {new string('c', 201)}", "longer than 200"),
            (new string('A', 20000), "longer than 16384"),
        ];
        foreach (var (text, message) in cases)
        {
            var (key, error) = SshPublicKey.Parse(text);
            Assert.Null(key);
            Assert.True(error?.Contains(message, StringComparison.Ordinal) == true, $"\"{text}\": expected \"{message}\", got \"{error}\"");
        }
        Assert.Null(SshPublicKey.FromOffered("ssh-rsa", parts[1]));
        Assert.Null(SshPublicKey.FromOffered("ssh-ed25519", "%%%"));
    }

    /// <summary>Characters a key line is made of, and the separators that break it.</summary>
    private const string Alphabet = "AB+/= \t\n-_";

    [Fact]
    public void RandomLinesNeverThrow()
    {
        var (line, _, _) = TestKeys.Make(_dir);
        var (rsa, _, _) = TestKeys.Make(_dir, "rsa", 2048);
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        for (int i = 0; i < 20000; i++)
        {
            var basis = random.Next(3) switch { 0 => line, 1 => rsa, _ => "" };
            var chars = basis.ToCharArray().ToList();
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                int at = chars.Count == 0 ? 0 : random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, (char)random.Next(0, 0x250)); break;
                    default: if (chars.Count > 0) chars[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                }
            }
            var text = new string([.. chars]);
            try
            {
                var (key, error) = SshPublicKey.Parse(text);
                Assert.True((key is null) != (error is null), $"seed {seed}: \"{text}\" gave both or neither");
                // Also the blob alone, as sshd's %k would carry it.
                var fields = text.Split(' ');
                if (fields.Length > 1)
                    SshPublicKey.FromOffered(fields[0], fields[1]);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}: \"{text}\" threw {ex}");
            }
        }
        // The blob itself, randomly changed (it must be re-encoded to reach the parser's blob reader).
        var blob = Convert.FromBase64String(rsa.Split(' ')[1]);
        for (int i = 0; i < 20000; i++)
        {
            var copy = (byte[])blob.Clone();
            for (int e = random.Next(1, 4); e > 0; e--)
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            var cut = copy[..random.Next(copy.Length + 1)];
            try
            {
                SshPublicKey.Parse("ssh-rsa " + Convert.ToBase64String(cut));
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}: blob {Convert.ToHexString(cut)} threw {ex}");
            }
        }
    }
}
