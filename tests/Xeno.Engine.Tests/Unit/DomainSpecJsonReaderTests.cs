using System.Text;
using Xeno.Config.Domain;

namespace Xeno.Engine.Tests.Unit;

/// <summary>The JSON xl sends to xenod reads back to the same spec; damaged JSON gives typed errors only.</summary>
public sealed class DomainSpecJsonReaderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void RoundTripsWhatTheWriterWrites(int sample)
    {
        var spec = Specs.From(Specs.Samples[sample]);
        var json = DomainSpecJson.Write(spec);
        var back = DomainSpecJsonReader.Read(json);
        Assert.Equal(json, DomainSpecJson.Write(back));
        Assert.Equal(spec.Uuid, back.Uuid);
        Assert.Equal(spec.Disks.Count, back.Disks.Count);
    }

    [Theory]
    [InlineData("", "domain JSON: not valid JSON")]
    [InlineData("[]", "domain JSON: (root): must be an object")]
    [InlineData("{}", "domain JSON: type: is missing")]
    public void NamesTheProblem(string json, string start)
    {
        var e = Assert.Throws<DomainSpecJsonException>(() => DomainSpecJsonReader.Read(json));
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnpairedSurrogateIsATypedError()
    {
        var json = DomainSpecJson.Write(Specs.From(Specs.Samples[0])).Replace("\"name\": \"pv1\"", "\"name\": \"\\ud800\"", StringComparison.Ordinal);
        Assert.Contains("\\ud800", json, StringComparison.Ordinal);
        var e = Assert.Throws<DomainSpecJsonException>(() => DomainSpecJsonReader.Read(json));
        Assert.Equal("name", e.Path);
    }

    [Fact]
    public void NamesTheKeyInsideLists()
    {
        var json = DomainSpecJson.Write(Specs.From(Specs.Samples[1])).Replace("\"access\": \"ro\"", "\"access\": \"rx\"", StringComparison.Ordinal);
        var e = Assert.Throws<DomainSpecJsonException>(() => DomainSpecJsonReader.Read(json));
        Assert.Equal("disks[1].access", e.Path);
    }

    /// <summary>Thousands of mutated documents: a spec or a DomainSpecJsonException, never anything else.</summary>
    [Fact]
    public void FuzzMutatedDocumentsYieldValuesOrTypedErrors()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out var n) && n > 1 ? n : 5000;
        var random = new Random(4242);
        var seeds = Specs.Samples.Select(s => Encoding.UTF8.GetBytes(DomainSpecJson.Write(Specs.From(s)))).ToArray();
        byte[] alphabet = "{}[]\":,0123456789-.eEtruefalsn \\/abcxyz\u00e9"u8.ToArray();
        int ok = 0;
        for (int i = 0; i < iterations; i++)
        {
            var bytes = seeds[random.Next(seeds.Length)].ToList();
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits && bytes.Count > 0; e++)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at)); break;
                    case 2: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: bytes[at] = (byte)random.Next(256); break;
                }
            }
            var text = Encoding.UTF8.GetString(bytes.ToArray());
            try
            {
                DomainSpecJsonReader.Read(text);
                ok++;
            }
            catch (DomainSpecJsonException)
            {
            }
        }
        Assert.InRange(ok, 0, iterations);
    }
}
