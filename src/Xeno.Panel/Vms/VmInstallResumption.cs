using Microsoft.Extensions.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>At panel start, follows again the autoinstalls that were running when the panel last stopped.</summary>
public sealed class VmInstallResumption(VmInstallService installs, ILogger<VmInstallResumption> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        int resumed = installs.ResumeAll();
        if (resumed > 0)
            log.LogInformation("following {Count} autoinstall(s) again that were running when the panel stopped", resumed);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
