using Microsoft.AspNetCore.Http.Features;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Hosting;

/// <summary>The services of the VM info page's features (boot modes, CD catalogue, changes, usage graph) and the upload limit.</summary>
public static class VmFeatures
{
    /// <summary>The admin page that takes CD image uploads.</summary>
    public const string IsoPage = "/Admin/Isos";

    // Room for the multipart framing and the form's other fields around the file.
    private const long FormSlack = 1 << 20;

    public static IServiceCollection AddVmFeatures(this IServiceCollection s, PanelOptions options)
    {
        s.AddSingleton<CdImages>();
        s.AddSingleton<VmBootRecords>();
        s.AddSingleton<VmDiskRecords>();
        s.AddSingleton<VmSettingsRecords>();
        s.AddSingleton<UsageSamples>();
        s.AddSingleton<CdCatalogue>();
        s.AddSingleton<VmBootService>();
        s.AddSingleton<VmChangeService>();
        s.AddSingleton<UsageSampler>();
        s.AddHostedService(sp => sp.GetRequiredService<UsageSampler>());
        s.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = ((long)options.MaxIsoUploadMib << 20) + FormSlack);
        return s;
    }

    /// <summary>
    /// A CD upload larger than the limit is refused before its body is read (413, audited); the
    /// upload page alone may send more than Kestrel's default body size. The copy counts the
    /// bytes again (<see cref="CdCatalogue.UploadAsync"/>), so a body without a length cannot pass either.
    /// </summary>
    public static void UseIsoUploadLimit(this WebApplication app, PanelOptions options)
    {
        long limit = ((long)options.MaxIsoUploadMib << 20) + FormSlack;
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(IsoPage, StringComparison.OrdinalIgnoreCase))
            {
                if (http.Request.ContentLength > limit)
                {
                    http.RequestServices.GetRequiredService<AuditLog>().Write(http.User.Identity?.Name, "cd.upload", null, CurrentUser.Remote(http), "refused",
                        $"upload of {http.Request.ContentLength} bytes is over the {options.MaxIsoUploadMib} MiB limit");
                    http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return;
                }
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                    size.MaxRequestBodySize = limit;
            }
            await next(http);
        });
    }
}
