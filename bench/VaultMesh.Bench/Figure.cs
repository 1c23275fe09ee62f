namespace VaultMesh.Bench;

/// <summary>How a figure compares with its target.</summary>
internal enum BudgetKind
{
    /// <summary>No target: a baseline or a figure reported for context.</summary>
    None,

    /// <summary>The value must be at least the target.</summary>
    AtLeast,

    /// <summary>The value must be at most the target.</summary>
    AtMost,
}

/// <summary>A target a figure is held to, on its value or on its ratio.</summary>
/// <param name="Kind">At least or at most.</param>
/// <param name="Target">The bound.</param>
/// <param name="OnRatio">True when the bound applies to the ratio rather than the value.</param>
/// <param name="Text">The target as the issue states it.</param>
internal sealed record Budget(BudgetKind Kind, double Target, bool OnRatio, string Text)
{
    public static Budget None { get; } = new(BudgetKind.None, 0, false, "");

    public static Budget AtLeast(double target, string text) => new(BudgetKind.AtLeast, target, false, text);

    public static Budget AtMost(double target, string text) => new(BudgetKind.AtMost, target, false, text);

    public static Budget RatioAtLeast(double target, string text) => new(BudgetKind.AtLeast, target, true, text);

    public static Budget RatioAtMost(double target, string text) => new(BudgetKind.AtMost, target, true, text);
}

/// <summary>One measured figure: the value, its ratio to a same-run baseline, and its budget.</summary>
/// <param name="Name">Stable dotted name (the JSON key and the table row).</param>
/// <param name="Description">What was measured, in words.</param>
/// <param name="Value">The median value.</param>
/// <param name="Unit">Unit of <paramref name="Value"/>.</param>
/// <param name="Ratio">Value relative to <paramref name="RatioOf"/>, when a baseline applies.</param>
/// <param name="RatioOf">Which baseline the ratio is taken against, and how.</param>
/// <param name="Budget">The target.</param>
/// <param name="Samples">How many timed repetitions the median is taken over.</param>
/// <param name="Scale">The size of the input (leaves, memories, rows...).</param>
/// <param name="Note">Anything needed to read the figure.</param>
/// <param name="ByCpu">The same figure computed from this process's CPU seconds instead of elapsed time: what the
/// work costs, whatever else shares the machine (for work on several threads, per CPU-second of all of them).</param>
internal sealed record Figure(string Name, string Description, double Value, string Unit, double? Ratio, string? RatioOf,
    Budget Budget, int Samples, long Scale, string? Note = null, double? ByCpu = null)
{
    /// <summary>Whether the budget is met; null when there is none.</summary>
    public bool? Met => Budget.Kind switch
    {
        BudgetKind.AtLeast => (Budget.OnRatio ? Ratio : Value) >= Budget.Target,
        BudgetKind.AtMost => (Budget.OnRatio ? Ratio : Value) <= Budget.Target,
        _ => null,
    };
}
