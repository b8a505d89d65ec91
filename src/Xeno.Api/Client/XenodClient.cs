using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>
/// The typed client of xenod's API (docs/api.md): HTTP/1.1 + JSON over the unix socket
/// &lt;prefix&gt;/run/xeno/xenod.sock, every body through <see cref="ApiJsonContext"/>. Every
/// failure is a <see cref="XenodException"/> with its <see cref="ApiErrorKind"/>.
/// </summary>
public sealed partial class XenodClient : IDisposable
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly string _socket;
    private readonly string? _prefix;

    /// <param name="prefix">The host prefix the socket belongs to, named when no xenod answers
    /// (null: read off a socket at &lt;prefix&gt;/run/xeno/xenod.sock).</param>
    public XenodClient(string socketPath, string? prefix = null)
    {
        _socket = socketPath;
        _prefix = prefix;
        // Starting QEMU under load can take a while; xl waits for it as it waits for libxl.
        _http = new HttpClient(XenodSocket.CreateHandler(socketPath)) { BaseAddress = XenodSocket.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string SocketPath => _socket;

    public async Task<IReadOnlyList<DomainInfo>> ListDomainsAsync(CancellationToken cancel = default) =>
        await SendAsync(HttpMethod.Get, "domains", null, Json.IReadOnlyListDomainInfo, cancel);

    public Task<DomainInfo> GetDomainAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom), null, Json.DomainInfo, cancel);

    public Task<ConsoleOutput> GetConsoleOutputAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom) + "/console", null, Json.ConsoleOutput, cancel);

    public Task<IReadOnlyList<NicInfo>> ListNicsAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom) + "/nics", null, Json.IReadOnlyListNicInfo, cancel);

    public Task AttachNicAsync(string dom, NicAttachRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "nics", Body(request, Json.NicAttachRequest), cancel);

    public Task DetachNicAsync(string dom, NicDetachRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "nics/detach", Body(request, Json.NicDetachRequest), cancel);

    public Task<CreateDomainResponse> CreateDomainAsync(CreateDomainRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "domains", Body(request, Json.CreateDomainRequest), Json.CreateDomainResponse, cancel);

    public Task DestroyAsync(string dom, CancellationToken cancel = default) => PostAsync(dom, "destroy", null, cancel);

    public Task PauseAsync(string dom, CancellationToken cancel = default) => PostAsync(dom, "pause", null, cancel);

    public Task UnpauseAsync(string dom, CancellationToken cancel = default) => PostAsync(dom, "unpause", null, cancel);

    public Task RenameAsync(string dom, string newName, CancellationToken cancel = default) =>
        PostAsync(dom, "rename", Body(new RenameDomainRequest { Name = newName }, Json.RenameDomainRequest), cancel);

    /// <summary>Shutdown (or reboot); answers how the guest was asked.</summary>
    public async Task<ShutdownMethod> ShutdownAsync(string dom, bool reboot, ShutdownRequest request, CancellationToken cancel = default) =>
        (await SendAsync(HttpMethod.Post, DomainPath(dom) + (reboot ? "/reboot" : "/shutdown"), Body(request, Json.ShutdownRequest), Json.ShutdownResponse, cancel)).Method;

    public Task SetMemoryTargetAsync(string dom, long targetKb, CancellationToken cancel = default) =>
        PostAsync(dom, "memory/target", Body(new MemoryTargetRequest { TargetKb = targetKb }, Json.MemoryTargetRequest), cancel);

    public Task SetMemoryMaxAsync(string dom, long maxKb, CancellationToken cancel = default) =>
        PostAsync(dom, "memory/max", Body(new MemoryMaxRequest { MaxKb = maxKb }, Json.MemoryMaxRequest), cancel);

    public Task PinVcpuAsync(string dom, VcpuPinRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "vcpus/pin", Body(request, Json.VcpuPinRequest), cancel);

    public Task<BlockDeviceList> ListDisksAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom) + "/disks", null, Json.BlockDeviceList, cancel);

    public Task AttachDiskAsync(string dom, BlockAttachRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "disks", Body(request, Json.BlockAttachRequest), cancel);

    public Task DetachDiskAsync(string dom, BlockDetachRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "disks/detach", Body(request, Json.BlockDetachRequest), cancel);

    public Task InsertCdAsync(string dom, CdInsertRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "cdrom/insert", Body(request, Json.CdInsertRequest), cancel);

    public Task EjectCdAsync(string dom, CdEjectRequest request, CancellationToken cancel = default) =>
        PostAsync(dom, "cdrom/eject", Body(request, Json.CdEjectRequest), cancel);
    public Task<DomainSchedParams> GetSchedAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom) + "/sched", null, Json.DomainSchedParams, cancel);

    public Task<DomainSchedParams> SetSchedAsync(string dom, SetDomainSchedRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, DomainPath(dom) + "/sched", Body(request, Json.SetDomainSchedRequest), Json.DomainSchedParams, cancel);

    public Task<SchedulerInfo> GetSchedulerAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "host/scheduler", null, Json.SchedulerInfo, cancel);

    public Task<SchedulerInfo> SetSchedulerAsync(SetSchedulerRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "host/scheduler", Body(request, Json.SetSchedulerRequest), Json.SchedulerInfo, cancel);

    public Task<HostInfo> GetHostAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "host", null, Json.HostInfo, cancel);

    public Task<LogResponse> GetLogAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "log", null, Json.LogResponse, cancel);

    /// <summary>The recent log lines, which xenod then forgets (xl dmesg -c).</summary>
    public Task<LogResponse> ClearLogAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "log/clear", null, Json.LogResponse, cancel);

    /// <summary>The path of a domain argument (escaped: names may hold any character).</summary>
    public static string DomainPath(string dom) => "domains/" + Uri.EscapeDataString(dom);

    private Task PostAsync(string dom, string action, HttpContent? body, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, DomainPath(dom) + "/" + action, body, Json.EmptyResponse, cancel);

    private static ByteArrayContent Body<T>(T value, JsonTypeInfo<T> info)
    {
        // A buffered body with a Content-Length (not chunked), as curl sends.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, info));
        content.Headers.ContentType = JsonType;
        return content;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, "v1/" + path) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new XenodException(ApiErrorKind.Unreachable, DaemonUnreachable.Message(_prefix, _socket, e), 0, e);
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
            int status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                throw Failure(status, bytes);
            try
            {
                return JsonSerializer.Deserialize(bytes.Length == 0 ? "{}"u8 : bytes, answer)
                       ?? throw new JsonException("the answer is null");
            }
            catch (JsonException e)
            {
                throw new XenodException(ApiErrorKind.Failed, $"xenod answered {status} with something that is not JSON", status, e);
            }
        }
    }

    /// <summary>An error answer's exception; an answer that is not an <see cref="ApiError"/> still gives a readable one.</summary>
    internal static XenodException Failure(int status, byte[] body)
    {
        ApiError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, Json.ApiError);
        }
        catch (JsonException) when (body.Length > 0 && !IsJson(body))
        {
            return new XenodException(ApiErrorKind.Failed, $"xenod answered {status} with something that is not JSON", status);
        }
        catch (JsonException)
        {
            // JSON, but not an error object (a newer kind, a proxy's answer): the status says enough.
        }
        return error is null
            ? new XenodException(ApiErrorKind.Failed, $"xenod answered {status}", status)
            : new XenodException(error.Kind, error.Error, status);
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _upgrades?.Dispose();
    }
}
