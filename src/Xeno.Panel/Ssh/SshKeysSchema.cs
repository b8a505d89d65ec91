using Xeno.Panel.Data;

namespace Xeno.Panel.Ssh;

/// <summary>
/// The schema step for owners' SSH keys (appended to <see cref="Migrations.All"/>). A key
/// belongs to one user only (UNIQUE blob): the key alone decides who logs in to the SSH menu.
/// </summary>
public static class SshKeysSchema
{
    public static readonly SchemaMigration Step = new(2, "ssh_keys", d => $"""
        CREATE TABLE ssh_keys (
            id {d.AutoId},
            user_id BIGINT NOT NULL REFERENCES users(id),
            key_type {d.Text} NOT NULL,
            key_blob {d.Text} NOT NULL UNIQUE,
            fingerprint {d.Text} NOT NULL,
            comment {d.Text} NOT NULL,
            created {d.Timestamp} NOT NULL
        );
        CREATE INDEX ssh_keys_user ON ssh_keys(user_id);
        """);
}
