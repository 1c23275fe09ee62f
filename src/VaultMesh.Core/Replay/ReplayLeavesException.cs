using System.Globalization;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Replay;

/// <summary>A line of a replay's leaves file is neither a leaf hash nor a JSON leaf document (or not the kind the file started with).</summary>
public sealed class ReplayLeavesException : VaultMeshException
{
    /// <summary>Error id of every malformed leaves input.</summary>
    public const string InvalidErrorId = ReplayErrorIds.LeavesInvalid;

    /// <summary>Creates the error; the message names the source and the line.</summary>
    public ReplayLeavesException(string source, int lineNumber, string problem, Exception? inner = null)
        : base(InvalidErrorId, VmErrorKind.InvalidData,
            string.Create(CultureInfo.InvariantCulture, $"{source}: line {lineNumber}: {problem}"), source, inner)
    {
        LeavesSource = source;
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>Where the leaves came from.</summary>
    public string LeavesSource { get; }

    /// <summary>1-based number of the offending line.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong with the line.</summary>
    public string Problem { get; }
}
