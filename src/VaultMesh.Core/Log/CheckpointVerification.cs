
namespace VaultMesh.Core.Log;

/// <summary>
/// The outcome of checking checkpoints: one signed note against a vkey (and, given an older one,
/// the consistency proof between them), or the whole stored log against every stored checkpoint.
/// Each check is a <see cref="MemoryCheck"/>, as memory and proof-bundle verification report them.
/// </summary>
public sealed class CheckpointVerification
{
    internal CheckpointVerification(string source, string? origin, long? size, string? root, IReadOnlyList<MemoryCheck> checks)
    {
        Source = source;
        Origin = origin;
        Size = size;
        Root = root;
        Checks = checks;
    }

    /// <summary>What was checked: <c>store</c>, a file path or <c>&lt;note&gt;</c>.</summary>
    public string Source { get; }
    /// <summary>The origin of the (newest) checkpoint checked.</summary>
    public string? Origin { get; }
    /// <summary>Its size.</summary>
    public long? Size { get; }
    /// <summary>Its root, lower-case hex.</summary>
    public string? Root { get; }
    /// <summary>Every check in order; Passed is null for checks that did not apply.</summary>
    public IReadOnlyList<MemoryCheck> Checks { get; }
    /// <summary>Whether every applicable check passed.</summary>
    public bool Valid => Checks.Count > 0 && Checks.All(c => c.Passed != false);
    /// <summary>The name of the first failed check, if any.</summary>
    public string? FailedCheck => Checks.FirstOrDefault(c => c.Passed == false)?.Name;
    /// <summary>Why the first failed check failed, if any.</summary>
    public string? Reason => Checks.FirstOrDefault(c => c.Passed == false)?.Detail;
}
