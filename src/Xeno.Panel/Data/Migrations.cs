namespace Xeno.Panel.Data;

/// <summary>One schema step. Applied once, in version order, each in its own transaction.</summary>
public sealed record SchemaMigration(int Version, string Name, Func<SqlDialect, string> Sql);

/// <summary>
/// The panel's schema, as the ordered list of steps that build it. Never edit a step that has
/// shipped: add the next one.
/// </summary>
public static class Migrations
{
    public static readonly IReadOnlyList<SchemaMigration> All =
    [
        new(1, "hosts, users, sessions, vms, quotas, audit", d => $"""
            CREATE TABLE hosts (
                id {d.AutoId},
                name {d.Text} NOT NULL UNIQUE,
                xenod_socket {d.Text} NOT NULL
            );
            CREATE TABLE users (
                id {d.AutoId},
                name {d.Text} NOT NULL UNIQUE,
                password_hash {d.Text} NOT NULL,
                role {d.Text} NOT NULL CHECK (role IN ('admin', 'owner')),
                created {d.Timestamp} NOT NULL
            );
            CREATE TABLE sessions (
                id {d.Text} PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES users(id),
                created {d.Timestamp} NOT NULL,
                revoked {d.Timestamp}
            );
            CREATE TABLE quotas (
                user_id BIGINT PRIMARY KEY REFERENCES users(id),
                max_vms INTEGER NOT NULL,
                max_memory_mib INTEGER NOT NULL,
                max_vcpus INTEGER NOT NULL,
                max_disk_gib INTEGER NOT NULL
            );
            CREATE TABLE vms (
                id {d.AutoId},
                name {d.Text} NOT NULL UNIQUE,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                host_id BIGINT NOT NULL REFERENCES hosts(id),
                type {d.Text} NOT NULL CHECK (type IN ('pv', 'hvm')),
                memory_mib INTEGER NOT NULL,
                vcpus INTEGER NOT NULL,
                disk_gib INTEGER NOT NULL,
                disk_path {d.Text} NOT NULL,
                kernel {d.Text},
                created {d.Timestamp} NOT NULL
            );
            CREATE TABLE vm_administrators (
                vm_id BIGINT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
                user_id BIGINT NOT NULL REFERENCES users(id),
                PRIMARY KEY (vm_id, user_id)
            );
            CREATE TABLE audit (
                id {d.AutoId},
                time {d.Timestamp} NOT NULL,
                user_name {d.Text},
                action {d.Text} NOT NULL,
                target {d.Text},
                remote {d.Text},
                result {d.Text} NOT NULL,
                detail {d.Text}
            );
            CREATE INDEX audit_time ON audit(time);
            """),
        Ssh.SshKeysSchema.Step,
        .. VmMigrations.Steps,
        .. AdminMigrations.Steps,
    ];
}
