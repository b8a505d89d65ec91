using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Tests.Unit;

/// <summary>Pure parts of memory, CPU and VNC handling: machine mapping, affinity texts, the create request's password.</summary>
public sealed class TuningUnitTests
{
    private static readonly RuntimeFiles Files = new EnginePaths("/p").FilesFor(3, "x");

    [Fact]
    public void MaxmemAboveMemoryGivesMaxmemOfRamAndABalloon()
    {
        var spec = Specs.From(Specs.Samples[0]) with { MemoryMiB = 256, MaxMemMiB = 512 };
        var m = MachineMapper.Map(spec, Files, Accelerator.Tcg, false, null);
        Assert.Equal((512, true), (m.MemoryMiB, m.Balloon));
        var flat = MachineMapper.Map(spec with { MaxMemMiB = 256 }, Files, Accelerator.Tcg, false, null);
        Assert.Equal((256, false), (flat.MemoryMiB, flat.Balloon));
        // A maxmem below memory (Xen raises it to memory) never shrinks the RAM.
        var low = MachineMapper.Map(spec with { MaxMemMiB = 128 }, Files, Accelerator.Tcg, false, null);
        Assert.Equal((256, false), (low.MemoryMiB, low.Balloon));
    }

    [Fact]
    public void VncpasswdMarksTheDisplayPasswordProtectedWithoutTheSecret()
    {
        var spec = Specs.From(Specs.Samples[1]);
        Assert.False(MachineMapper.Map(spec, Files, Accelerator.Tcg, false, null).Vnc!.PasswordProtected);
        var locked = spec with { Vnc = spec.Vnc with { Password = "pw" } };
        Assert.True(MachineMapper.Map(locked, Files, Accelerator.Tcg, false, null).Vnc!.PasswordProtected);
        Assert.DoesNotContain("pw", string.Join(' ', QemuCommandLine.Build(MachineMapper.Map(locked, Files, Accelerator.Tcg, false, null)).Arguments.Where(a => a.Contains("password", StringComparison.Ordinal))), StringComparison.Ordinal);
        // An empty vncpasswd="" is no password, as in Xen.
        Assert.False(MachineMapper.Map(spec with { Vnc = spec.Vnc with { Password = "" } }, Files, Accelerator.Tcg, false, null).Vnc!.PasswordProtected);
    }

    [Fact]
    public void TheCreateRequestCarriesThePasswordBesideTheSpec()
    {
        var spec = Specs.From(Specs.Samples[1]);
        var specJson = JsonElement.Parse(DomainSpecJson.Write(spec with { Vnc = spec.Vnc with { Password = "pw" } }));
        Assert.Equal("pw", ApiServer.WithVncPassword(spec, new CreateDomainRequest { Spec = specJson, VncPassword = "pw" }).Vnc.Password);
        // The spec says a password is set but none came: refused, never started without one.
        var e = Assert.Throws<EngineException>(() => ApiServer.WithVncPassword(spec, new CreateDomainRequest { Spec = specJson }));
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.Contains("vnc_password", e.Message, StringComparison.Ordinal);
        var plain = JsonElement.Parse(DomainSpecJson.Write(spec));
        Assert.Null(ApiServer.WithVncPassword(spec, new CreateDomainRequest { Spec = plain }).Vnc.Password);
    }

    [Theory]
    [InlineData(new int[] { 0, 1, 2, 3 }, 4, "all")]
    [InlineData(new int[] { 0, 1, 2, 3, 4 }, 4, "all")]
    [InlineData(new int[] { 1, 2, 3 }, 4, "1-3")]
    [InlineData(new int[] { 0, 2, 3, 6 }, 8, "0,2-3,6")]
    [InlineData(new int[0], 4, "none")]
    public void AffinityPrintsAsXlPrintsBitmaps(int[] cpus, int hostCpus, string text)
    {
        Assert.Equal(text, VcpuAffinities.Format(new SortedSet<int>(cpus), hostCpus));
    }

    [Fact]
    public void AffinitiesPerVcpuComeFromTheConfigAndChangeOneVcpuAtATime()
    {
        var spec = Specs.From(Specs.Samples[1]);
        var a = VcpuAffinities.FromSpec(spec with { CpuAffinity = [new SortedSet<int> { 1 }], CpuSoftAffinity = null });
        Assert.Equal([1], a.HardOf(0)!);
        Assert.Null(a.HardOf(1));
        Assert.Null(a.SoftOf(0));
        Assert.Equal("all", VcpuAffinities.Format(a.HardOf(3), 2));
        var b = a.With(2, new SortedSet<int> { 0 }, null);
        Assert.Equal([0], b.HardOf(2)!);
        Assert.Null(b.HardOf(1));
        Assert.Equal([1], b.HardOf(0)!);
        Assert.Same(a.Soft, b.Soft);
        var c = b.With(0, null, new SortedSet<int> { 1 });
        Assert.Equal([1], c.SoftOf(0)!);
        Assert.Equal([1], c.HardOf(0)!);
    }

    [Fact]
    public void ADomainBeingCreatedListsAsPausedLikeADomainXenIsBuilding()
    {
        var spec = Specs.From(Specs.Samples[0]);
        var s = new DomainSnapshot(1, "x", spec, DomainPhase.Creating, false, null, DateTimeOffset.UnixEpoch, Files, null, TimeSpan.Zero, []);
        Assert.Equal("--p---", s.StateLetters);
        Assert.Equal(spec.MemoryMiB * 1024, s.TargetKb);
    }
}

/// <summary>The tuning routes' request bodies are untrusted: random ones give a value or an "invalid" error, nothing else.</summary>
public sealed class TuningRequestFuzzTests
{
    private static JsonNode? RandomNode(Random r, int depth)
    {
        switch (r.Next(depth > 2 ? 6 : 8))
        {
            case 0: return null;
            case 1: return r.Next(-5, 2000);
            case 2: return r.NextDouble() * 1e12 - 5e11;
            case 3: return r.Next(2) == 0;
            case 4: return new string((char)r.Next(32, 127), r.Next(0, 5));
            case 5: return long.MaxValue - r.Next(3);
            case 6:
                var a = new JsonArray();
                for (int i = r.Next(0, 5); i > 0; i--) a.Add(RandomNode(r, depth + 1));
                return a;
            default:
                var o = new JsonObject();
                for (int i = r.Next(0, 3); i > 0; i--) o["k" + r.Next(3)] = RandomNode(r, depth + 1);
                return o;
        }
    }

    [Fact]
    public void RandomBodiesGiveValuesOrInvalidErrors()
    {
        var r = new Random(20261121);
        var spec = Specs.From(Specs.Samples[1]);
        for (int i = 0; i < 5000; i++)
        {
            var pin = new JsonObject { ["vcpu"] = RandomNode(r, 0), ["hard"] = RandomNode(r, 0) };
            var target = new JsonObject { ["target_kb"] = RandomNode(r, 0) };
            var create = new JsonObject
            {
                ["vnc_password"] = RandomNode(r, 0),
                ["spec"] = r.Next(4) == 0 ? RandomNode(r, 0)
                    : new JsonObject { ["vnc"] = r.Next(4) == 0 ? RandomNode(r, 0) : new JsonObject { ["password_set"] = RandomNode(r, 0) } },
            };
            Expect(() =>
            {
                var body = ApiRequestBody.Parse(Encoding.UTF8.GetBytes(pin.ToJsonString()), ApiJsonContext.Default.VcpuPinRequest);
                var cpus = ApiServer.CpuSet(body.Hard, "hard");
                Assert.True(cpus is null || cpus.All(c => c >= 0 && c < Xeno.Qemu.Interop.CpuAffinity.MaxCpus));
            });
            Expect(() => ApiRequestBody.Parse(Encoding.UTF8.GetBytes(target.ToJsonString()), ApiJsonContext.Default.MemoryTargetRequest));
            Expect(() => ApiServer.WithVncPassword(spec, ApiRequestBody.Parse(Encoding.UTF8.GetBytes(create.ToJsonString()), ApiJsonContext.Default.CreateDomainRequest)));
        }
    }

    private static void Expect(Action parse)
    {
        try
        {
            parse();
        }
        catch (EngineException e)
        {
            Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        }
    }
}
