using System.Security.Cryptography;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>
/// The CD image catalogue: admins register an image already on the host (a path they give) or
/// upload one into the panel's own ISO folder (bounded by <see cref="PanelOptions.MaxIsoUploadMib"/>);
/// each is checksummed (SHA-256) when added. Owners only ever pick an image by name.
/// Every action writes one audit entry.
/// </summary>
public sealed class CdCatalogue(CdImages images, AuditLog audit, PanelOptions options)
{
    public long MaxUploadBytes => (long)options.MaxIsoUploadMib << 20;

    public IReadOnlyList<CdImage> All() => images.All();

    public CdImage? Find(string name) => images.Find(name);

    public async Task<VmOutcome> RegisterAsync(PanelUser admin, string? name, string? path, string? remote, CancellationToken cancel)
    {
        var error = VmSettingsForm.CdNameError(name) ?? VmSettingsForm.IsoPathError(path);
        if (error is not null)
            return Refuse(admin, "cd.register", name, remote, error);
        name = name!.Trim();
        path = path!.Trim();
        if (images.Find(name) is not null)
            return Refuse(admin, "cd.register", name, remote, $"Name: the catalogue already has an image called {name}.");
        var info = new FileInfo(path);
        if (!info.Exists || info.Attributes.HasFlag(FileAttributes.Directory))
            return Refuse(admin, "cd.register", name, remote, $"Path: there is no file at {path}.");
        string sha;
        try
        {
            await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(f, cancel));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(admin, "cd.register", name, remote, $"Path: {path} cannot be read ({e.Message}).");
        }
        var image = images.Add(name, path, info.Length, sha, uploaded: false, admin.Name);
        if (image is null)
            return Refuse(admin, "cd.register", name, remote, $"Name: the catalogue already has an image called {name}.");
        audit.Write(admin.Name, "cd.register", name, remote, "ok", $"{path} {info.Length} bytes sha256 {sha}");
        return new VmOutcome(true, $"Registered {name} (sha256 {sha}).");
    }

    /// <summary>
    /// Copies an upload into the ISO folder as &lt;name&gt;.iso while hashing it; more than the
    /// limit is refused and the partial file removed (the request's length is checked first, the
    /// bytes themselves too, so a wrong length cannot get past).
    /// </summary>
    public async Task<VmOutcome> UploadAsync(PanelUser admin, string? name, Stream? content, string? remote, CancellationToken cancel)
    {
        var error = VmSettingsForm.CdNameError(name) ?? (content is null ? "File: choose an ISO image to upload." : null);
        if (error is not null)
            return Refuse(admin, "cd.upload", name, remote, error);
        name = name!.Trim();
        if (images.Find(name) is not null)
            return Refuse(admin, "cd.upload", name, remote, $"Name: the catalogue already has an image called {name}.");
        Directory.CreateDirectory(options.IsoStoreDir);
        var path = Path.Combine(options.IsoStoreDir, name + ".iso");
        if (File.Exists(path))
            return Refuse(admin, "cd.upload", name, remote, $"Name: the ISO folder already holds {name}.iso; ask an administrator.");
        long size = 0;
        string sha;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await content!.ReadAsync(buffer, cancel)) > 0)
                {
                    size += n;
                    if (size > MaxUploadBytes)
                        break;
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancel);
                }
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            File.Delete(path);
            return Refuse(admin, "cd.upload", name, remote, $"File: the upload did not complete ({e.Message}).");
        }
        if (size > MaxUploadBytes)
        {
            File.Delete(path);
            return Refuse(admin, "cd.upload", name, remote, TooLarge());
        }
        if (size == 0)
        {
            File.Delete(path);
            return Refuse(admin, "cd.upload", name, remote, "File: the upload is empty.");
        }
        if (images.Add(name, path, size, sha, uploaded: true, admin.Name) is null)
        {
            File.Delete(path);
            return Refuse(admin, "cd.upload", name, remote, $"Name: the catalogue already has an image called {name}.");
        }
        audit.Write(admin.Name, "cd.upload", name, remote, "ok", $"{size} bytes sha256 {sha}");
        return new VmOutcome(true, $"Uploaded {name} ({size} bytes, sha256 {sha}).");
    }

    public string TooLarge() => $"File: the image is larger than the {options.MaxIsoUploadMib} MiB an upload may be.";

    public VmOutcome Remove(PanelUser admin, string? name, string? remote)
    {
        var image = images.Find((name ?? "").Trim());
        if (image is null)
            return Refuse(admin, "cd.remove", name, remote, "Name: there is no such image in the catalogue.");
        int users = images.UsedBy(image.Id);
        if (users > 0)
            return Refuse(admin, "cd.remove", image.Name, remote, $"{image.Name} is the boot CD of {users} VM(s); they must choose another boot mode first.");
        images.Remove(image.Id);
        if (image.Uploaded)
            File.Delete(image.Path);
        audit.Write(admin.Name, "cd.remove", image.Name, remote, "ok", image.Uploaded ? "uploaded file deleted" : "registration removed, file kept");
        return new VmOutcome(true, $"Removed {image.Name} from the catalogue.");
    }

    private VmOutcome Refuse(PanelUser user, string action, string? target, string? remote, string message)
    {
        audit.Write(user.Name, action, target, remote, "refused", message);
        return new VmOutcome(false, message);
    }
}
