using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>xl migrate and xl migrate-receive.</summary>
public sealed partial class XenodClient
{
    /// <param name="copyStorage">xl migrate --copy-storage: the state lists the local disks to copy.</param>
    public Task<MigrationDescription> DescribeMigrationAsync(string dom, bool copyStorage = false, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, DomainPath(dom) + "/migrate/describe" + (copyStorage ? "?copy_storage=true" : ""), null, Json.MigrationDescription, cancel);

    public Task<MigrationProgress> MigrationProgressAsync(string dom, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, DomainPath(dom) + "/migrate/progress", null, Json.MigrationProgress, cancel);

    public Task<MigrationSendResponse> SendMigrationAsync(string dom, MigrationSendRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, DomainPath(dom) + "/migrate/send", Body(request, Json.MigrationSendRequest), Json.MigrationSendResponse, cancel);

    public Task<CreateDomainResponse> ReceiveMigrationAsync(MigrationReceiveRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "domains/incoming", Body(request, Json.MigrationReceiveRequest), Json.CreateDomainResponse, cancel);
}
