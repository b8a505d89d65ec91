namespace Xeno.Panel.Data;

/// <summary>
/// The schema steps of the admin pages (issue 14: disabled accounts, groups, VM administrators
/// that are groups), kept apart from <see cref="Migrations"/> as <see cref="VmMigrations"/> is.
/// Versions 40 and up; never edit a step that has shipped.
/// </summary>
public static class AdminMigrations
{
    public static readonly IReadOnlyList<SchemaMigration> Steps =
    [
        new(40, "users.disabled, groups, group_members, vm_group_administrators", d => $"""
            ALTER TABLE users ADD COLUMN disabled {d.Bool} NOT NULL DEFAULT FALSE;
            CREATE TABLE groups (
                id {d.AutoId},
                name {d.Text} NOT NULL UNIQUE,
                created {d.Timestamp} NOT NULL
            );
            CREATE TABLE group_members (
                group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
                user_id BIGINT NOT NULL REFERENCES users(id),
                PRIMARY KEY (group_id, user_id)
            );
            CREATE TABLE vm_group_administrators (
                vm_id BIGINT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
                group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
                PRIMARY KEY (vm_id, group_id)
            );
            """),
    ];
}
