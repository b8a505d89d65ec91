namespace Xeno.Config.Specs;

/// <summary>
/// The outcome of parsing one spec string: a value, or the exact error line(s) Xen's
/// tools print for it. <see cref="Warnings"/> holds lines Xen prints while still
/// accepting the input (e.g. the vif <c>accel</c> notice).
/// </summary>
public sealed class SpecResult<T>
{
    private SpecResult(T? value, IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        Value = value;
        Errors = errors;
        Warnings = warnings;
    }

    public bool Ok => Errors.Count == 0;
    public T? Value { get; }
    public IReadOnlyList<string> Errors { get; }
    public IReadOnlyList<string> Warnings { get; }

    public static SpecResult<T> Success(T value, IReadOnlyList<string>? warnings = null) =>
        new(value, [], warnings ?? []);

    public static SpecResult<T> Failure(IReadOnlyList<string> errors, IReadOnlyList<string>? warnings = null)
    {
        if (errors.Count == 0)
            throw new ArgumentException("A failure needs at least one error line.", nameof(errors));
        return new(default, errors, warnings ?? []);
    }

    public static SpecResult<T> Failure(string error, IReadOnlyList<string>? warnings = null) =>
        Failure([error], warnings);

    public override string ToString() =>
        Ok ? $"Ok({Value})" : "Error(" + string.Join(" | ", Errors) + ")";
}
