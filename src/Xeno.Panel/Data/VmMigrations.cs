namespace Xeno.Panel.Data;

/// <summary>
/// The schema steps of the VM info page's features (issue 14: boot modes, the CD catalogue,
/// extra disks, usage samples, the autoinstalls being followed), kept apart from <see cref="Migrations"/> so other parts of the
/// panel add their own steps without touching these. Versions 20 and up; never edit a step that
/// has shipped.
/// </summary>
public static class VmMigrations
{
    public static readonly IReadOnlyList<SchemaMigration> Steps =
    [
        new(20, "cd_images, vm_boot, vm_disks, usage_samples", d => $"""
            CREATE TABLE cd_images (
                id {d.AutoId},
                name {d.Text} NOT NULL UNIQUE,
                path {d.Text} NOT NULL,
                size_bytes BIGINT NOT NULL,
                sha256 {d.Text} NOT NULL,
                uploaded INTEGER NOT NULL,
                added_by {d.Text} NOT NULL,
                created {d.Timestamp} NOT NULL
            );
            CREATE TABLE vm_boot (
                vm_id BIGINT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
                mode {d.Text} NOT NULL CHECK (mode IN ('normal', 'rescue', 'cd', 'chainload')),
                cd_image_id BIGINT REFERENCES cd_images(id)
            );
            CREATE TABLE vm_disks (
                id {d.AutoId},
                vm_id BIGINT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
                vdev_index INTEGER NOT NULL,
                size_gib INTEGER NOT NULL,
                path {d.Text} NOT NULL UNIQUE,
                created {d.Timestamp} NOT NULL,
                UNIQUE (vm_id, vdev_index)
            );
            CREATE TABLE usage_samples (
                vm_id BIGINT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
                time BIGINT NOT NULL,
                cpu_ns BIGINT NOT NULL,
                disk_sectors BIGINT NOT NULL,
                net_bytes BIGINT NOT NULL,
                PRIMARY KEY (vm_id, time)
            );
            CREATE INDEX usage_samples_time ON usage_samples(time);
            """),
        // The autoinstalls being followed (VmInstallRecords): a restarted panel follows them again.
        new(21, "vm_installs", d => $"""
            CREATE TABLE vm_installs (
                vm_id BIGINT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
                operation_id {d.Text} NOT NULL,
                user_id BIGINT NOT NULL REFERENCES users(id),
                remote {d.Text},
                started {d.Timestamp} NOT NULL
            );
            """),
    ];
}
