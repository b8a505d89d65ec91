namespace Xeno.Boot.Bench;

/// <summary>
/// One part of the benchmark report. Sections run in order and each appends its markdown;
/// a section may reuse images an earlier one built (through <see cref="BenchImages"/>).
/// The whole-process race against Xen's pygrub (<see cref="PygrubRaceSection"/>) runs last and reuses all images.
/// </summary>
internal interface IBenchSection
{
    string Title { get; }

    /// <summary>Measures and returns a markdown fragment (without the section title).</summary>
    string Run(BenchImages images, BenchOptions options);
}
