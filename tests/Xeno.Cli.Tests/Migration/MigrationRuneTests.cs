using Xeno.Cli.Commands.Migration;

namespace Xeno.Cli.Tests.Migration;

public class MigrationRuneTests
{
    [Fact]
    public void Default_is_ssh_to_the_host_running_xl_migrate_receive() =>
        Assert.Equal("exec ssh node2 xl migrate-receive", MigrationRune.Build(null, "node2", 0, false, false, false));

    [Fact]
    public void Options_pass_on_as_xens_xl_passes_them() =>
        Assert.Equal("exec ssh -p 2222 node2 xl -v -v migrate-receive -e -d -p", MigrationRune.Build("ssh -p 2222", "node2", 2, true, true, true));

    [Fact]
    public void Ganetis_socat_form_comments_out_the_tail() =>
        Assert.Equal("exec socat -b524288 - TCP:10.0.0.2:8002 # 10.0.0.2 xl migrate-receive",
            MigrationRune.Build("socat -b524288 - TCP:10.0.0.2:8002 #", "10.0.0.2", 0, false, false, false));

    [Fact]
    public void An_empty_command_runs_the_host_operand_itself() =>
        Assert.Equal("my-receiver --now", MigrationRune.Build("", "my-receiver --now", 0, false, false, false));
}
