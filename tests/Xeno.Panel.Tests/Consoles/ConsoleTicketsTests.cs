using Xeno.Panel.Consoles;

namespace Xeno.Panel.Tests.Consoles;

/// <summary>The console WebSocket's one-shot tickets: bound to session, user and VM, short-lived.</summary>
public sealed class ConsoleTicketsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ATicketOpensOnceForItsSessionUserAndVm()
    {
        var tickets = new ConsoleTickets(new ManualClock());
        var t = tickets.Issue("s1", 1, 10);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", t);
        Assert.Equal(TicketCheck.Ok, tickets.Redeem(t, "s1", 1, 10));
        Assert.Equal(TicketCheck.Unknown, tickets.Redeem(t, "s1", 1, 10));
        Assert.Equal(TicketCheck.Missing, tickets.Redeem(null, "s1", 1, 10));
        Assert.Equal(TicketCheck.Missing, tickets.Redeem("", "s1", 1, 10));
        Assert.Equal(TicketCheck.Unknown, tickets.Redeem("guessed", "s1", 1, 10));
    }

    [Theory]
    [InlineData("s2", 1, 10)]
    [InlineData("s1", 2, 10)]
    [InlineData("s1", 1, 11)]
    public void AnotherSessionUserOrVmSpendsTheTicketWithoutOpening(string session, long user, long vm)
    {
        var tickets = new ConsoleTickets(new ManualClock());
        var t = tickets.Issue("s1", 1, 10);
        Assert.Equal(TicketCheck.WrongSession, tickets.Redeem(t, session, user, vm));
        // A stolen ticket is burnt: the rightful page must be reloaded, the thief gets nothing.
        Assert.Equal(TicketCheck.Unknown, tickets.Redeem(t, "s1", 1, 10));
    }

    [Fact]
    public void ATicketExpiresAndExpiredOnesAreForgotten()
    {
        var clock = new ManualClock();
        var tickets = new ConsoleTickets(clock);
        var late = tickets.Issue("s1", 1, 10);
        var old = tickets.Issue("s1", 1, 10);
        clock.Now += ConsoleTickets.Lifetime;
        Assert.Equal(TicketCheck.Expired, tickets.Redeem(late, "s1", 1, 10));
        tickets.Issue("s1", 1, 10);
        Assert.Equal(1, tickets.Count);
        Assert.Equal(TicketCheck.Unknown, tickets.Redeem(old, "s1", 1, 10));
    }

    [Fact]
    public void EveryTicketIsDifferent()
    {
        var tickets = new ConsoleTickets(TimeProvider.System);
        var seen = Enumerable.Range(0, 1000).Select(_ => tickets.Issue("s", 1, 1)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, seen.Count);
    }
}
