using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Migration;

namespace Xeno.Cli.Tests.Migration;

public class MigrationProgressLineTests
{
    [Fact]
    public void Qemus_figures_give_pass_bytes_dirty_rate_and_speed() =>
        Assert.Equal("migration sender: pass 2, 94.0 MiB sent, 24.0 of 128.6 MiB left, dirtying 1800 pages/s, 1044 Mbit/s",
            MigrationProgressLine.Text(new MigrationProgress
            {
                Status = "active", TransferredBytes = 98566144, RemainingBytes = 25165824, TotalBytes = 134873088,
                DirtyPagesRate = 1800, Mbps = 1043.5, Iteration = 2,
            }, 5));

    [Fact]
    public void Without_qemus_figures_the_forwarded_bytes_tell()
    {
        Assert.Equal("migration sender: 1.5 MiB sent", MigrationProgressLine.Text(null, 1572864));
        Assert.Equal("migration sender: 1.5 MiB sent", MigrationProgressLine.Text(new MigrationProgress { Status = "setup" }, 1572864));
    }

    [Fact]
    public void A_terminal_gets_the_line_rewritten_in_place_others_plain_lines()
    {
        Assert.Equal("\rmigration sender: 0.0 MiB sent\u001b[K", MigrationProgressLine.Render("migration sender: 0.0 MiB sent", terminal: true));
        Assert.Equal("migration sender: 0.0 MiB sent\n", MigrationProgressLine.Render("migration sender: 0.0 MiB sent", terminal: false));
    }
}
