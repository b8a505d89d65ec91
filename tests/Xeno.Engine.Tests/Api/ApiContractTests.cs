using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Api;

/// <summary>The wire names of the contract (snake_case fields, enum strings), the error mapping and the request reader's messages.</summary>
public sealed class ApiContractTests
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    [Theory]
    [InlineData(ApiErrorKind.Invalid, "invalid", 400)]
    [InlineData(ApiErrorKind.NotFound, "not_found", 404)]
    [InlineData(ApiErrorKind.Conflict, "conflict", 409)]
    [InlineData(ApiErrorKind.NoParavirt, "no_paravirt", 409)]
    [InlineData(ApiErrorKind.Failed, "failed", 500)]
    [InlineData(ApiErrorKind.Unreachable, "unreachable", 0)]
    public void ErrorKindsHaveSnakeCaseWireNamesAndOneStatus(ApiErrorKind kind, string wire, int status)
    {
        var text = JsonSerializer.Serialize(new ApiError { Error = "e", Kind = kind }, Json.ApiError);
        Assert.Equal($$"""{"error":"e","kind":"{{wire}}"}""", text);
        Assert.Equal(kind, JsonSerializer.Deserialize(text, Json.ApiError)!.Kind);
        Assert.Equal(status, ApiErrorKinds.Status(kind));
    }

    [Fact]
    public void EveryEnumOfTheContractHasItsWireNamesSpelledOut()
    {
        Assert.Equal(["pv", "pvh", "hvm"], Enum.GetValues<DomainType>().Select(v => Wire(v, Json.DomainType)));
        Assert.Equal(["pv", "serial"], Enum.GetValues<ConsoleKind>().Select(v => Wire(v, Json.ConsoleKind)));
        Assert.Equal(["agent", "acpi"], Enum.GetValues<ShutdownMethod>().Select(v => Wire(v, Json.ShutdownMethod)));
    }

    private static string Wire<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value, info), Json.String)!;

    [Fact]
    public void EveryEngineErrorKindMapsToTheApiKindOfItsName()
    {
        foreach (var kind in Enum.GetValues<EngineErrorKind>())
            Assert.Equal(kind.ToString(), ApiContractMapper.ErrorKind(kind).ToString());
    }

    private static DomainSnapshot Snapshot(ShutdownReason? reason = null) =>
        new(7, "web", Specs.From(Specs.Samples[1]), DomainPhase.Running, false, reason, DateTimeOffset.FromUnixTimeMilliseconds(1795218750135),
            new EnginePaths("/p").FilesFor(7, "web"), 4242, TimeSpan.FromSeconds(4.5), [new Domains.VcpuInfo(0, true, TimeSpan.FromSeconds(1.5), 1)]);

    [Fact]
    public void ADomainHasTheDocumentedFieldNames()
    {
        var node = JsonNode.Parse(JsonSerializer.Serialize(ApiContractMapper.Domain(Snapshot(ShutdownReason.Crash)), Json.DomainInfo))!.AsObject();
        Assert.Equal(
            ["domid", "name", "uuid", "type", "state", "phase", "paused", "responding", "shutdown_reason", "memory_mib", "maxmem_mib", "target_kb", "maxmem_kb",
             "vcpus", "maxvcpus", "cpu_time", "start_time", "qemu_pid", "console", "vcpu_list", "config"],
            node.Select(p => p.Key));
        Assert.Equal(["kind", "socket", "log"], node["console"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["vcpu", "cpu", "running", "cpu_time", "affinity", "soft_affinity"], node["vcpu_list"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(("hvm", "serial", "running", 3), (node["type"]!.GetValue<string>(), node["console"]!["kind"]!.GetValue<string>(),
            node["phase"]!.GetValue<string>(), node["shutdown_reason"]!.GetValue<int>()));
        Assert.Equal(1795218750.135, node["start_time"]!.GetValue<double>());
        // The config is the domain JSON of xl -N create, with the current name.
        Assert.Equal("web", DomainSpecJsonReader.Read(node["config"]!.ToJsonString()).Name);
        // Nulls are left out.
        var running = JsonNode.Parse(JsonSerializer.Serialize(ApiContractMapper.Domain(Snapshot()), Json.DomainInfo))!.AsObject();
        Assert.False(running.ContainsKey("shutdown_reason"));
    }

    [Fact]
    public void PhasesAreSnakeCaseOnTheWire() =>
        Assert.Equal(["creating", "running", "shutdown", "dying"], Enum.GetValues<DomainPhase>().Take(4).Select(ApiContractMapper.Phase));

    [Fact]
    public void RequestsHaveTheDocumentedFieldNames()
    {
        Assert.Equal("""{"spec":{"a":1},"paused":true,"vnc_password":"pw"}""",
            JsonSerializer.Serialize(new CreateDomainRequest { Spec = JsonElement.Parse("""{"a":1}"""), Paused = true, VncPassword = "pw" }, Json.CreateDomainRequest));
        Assert.Equal("""{"name":"n"}""", JsonSerializer.Serialize(new RenameDomainRequest { Name = "n" }, Json.RenameDomainRequest));
        Assert.Equal("""{"target_kb":1}""", JsonSerializer.Serialize(new MemoryTargetRequest { TargetKb = 1 }, Json.MemoryTargetRequest));
        Assert.Equal("""{"max_kb":1}""", JsonSerializer.Serialize(new MemoryMaxRequest { MaxKb = 1 }, Json.MemoryMaxRequest));
        Assert.Equal("""{"vcpu":1,"hard":[0,2],"soft":[1]}""", JsonSerializer.Serialize(new VcpuPinRequest { Vcpu = 1, Hard = [0, 2], Soft = [1] }, Json.VcpuPinRequest));
        Assert.Equal("""{"acpi_fallback":true}""", JsonSerializer.Serialize(new ShutdownRequest { AcpiFallback = true }, Json.ShutdownRequest));
        Assert.Equal("""{"method":"acpi"}""", JsonSerializer.Serialize(new ShutdownResponse { Method = ShutdownMethod.Acpi }, Json.ShutdownResponse));
        Assert.Equal("""{"domid":3}""", JsonSerializer.Serialize(new CreateDomainResponse { Domid = 3 }, Json.CreateDomainResponse));
        Assert.Equal("{}", JsonSerializer.Serialize(EmptyResponse.Instance, Json.EmptyResponse));
    }

    [Theory]
    [InlineData("""{"name": 5}""", "request field \"name\" must be a string")]
    [InlineData("""{}""", "request has no \"name\"")]
    [InlineData("", "request has no \"name\"")]
    [InlineData("""{"name": null}""", "request field \"name\"")]
    [InlineData("""{"name": "a", "nmae": "b"}""", "request field \"nmae\" is not known")]
    [InlineData("""{"name": "a""", "request body is not JSON")]
    [InlineData("""not json""", "request body is not JSON")]
    [InlineData("""null""", "request body must be a JSON object")]
    [InlineData("""[1]""", "request body must be a JSON object")]
    public void RenameBodiesThatAreWrongNameTheProblem(string body, string message)
    {
        var e = Assert.Throws<EngineException>(() => ApiRequestBody.Parse(Encoding.UTF8.GetBytes(body), Json.RenameDomainRequest));
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhitespaceAroundABodyIsFineAndASecondValueIsNot()
    {
        Assert.Equal("a", ApiRequestBody.Parse(" {\"name\": \"a\"}\n"u8, Json.RenameDomainRequest).Name);
        var e = Assert.Throws<EngineException>(() => ApiRequestBody.Parse("{\"name\": \"a\"} {}"u8, Json.RenameDomainRequest));
        Assert.StartsWith("request body is not JSON", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"target_kb": 1e400}""")]
    [InlineData("""{"target_kb": 99999999999999999999}""")]
    [InlineData("""{"target_kb": 1.5}""")]
    [InlineData("""{"target_kb": "1"}""")]
    public void NumbersOutOfRangeNameTheField(string body)
    {
        var e = Assert.Throws<EngineException>(() => ApiRequestBody.Parse(Encoding.UTF8.GetBytes(body), Json.MemoryTargetRequest));
        Assert.Equal("request field \"target_kb\" must be a whole number from -9223372036854775808 to 9223372036854775807", e.Message);
    }

    [Fact]
    public void ACpuListWithAWrongItemNamesItsPlace()
    {
        var e = Assert.Throws<EngineException>(() => ApiRequestBody.Parse("""{"hard": [1, "x"]}"""u8, Json.VcpuPinRequest));
        Assert.StartsWith("request field \"hard[1]\"", e.Message, StringComparison.Ordinal);
        Assert.Null(ApiRequestBody.Parse("""{}"""u8, Json.VcpuPinRequest).Hard);
    }

    [Fact]
    public void TheClientReadsAnyErrorAnswer()
    {
        var e = XenodClient.Failure(409, Encoding.UTF8.GetBytes("""{"error":"busy","kind":"no_paravirt"}"""));
        Assert.Equal((ApiErrorKind.NoParavirt, "busy", 409), (e.Kind, e.Message, e.Status));
        Assert.Equal("xenod answered 404", XenodClient.Failure(404, []).Message);
        Assert.Equal("xenod answered 502 with something that is not JSON", XenodClient.Failure(502, "<html>"u8.ToArray()).Message);
        // A kind this client does not know yet is still a failure with xenod's text... or the status.
        Assert.Equal(ApiErrorKind.Failed, XenodClient.Failure(500, Encoding.UTF8.GetBytes("""{"error":"x","kind":"brand_new"}""")).Kind);
    }
}
