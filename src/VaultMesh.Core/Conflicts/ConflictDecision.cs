using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>Why one receipt ranks directly above the next in a <see cref="ConflictResolution.Ordering"/>.</summary>
public sealed class ConflictDecision
{
    internal ConflictDecision(Receipt winner, Receipt loser, string rule, string winnerHash, string loserHash)
    {
        Winner = winner;
        Loser = loser;
        Rule = rule;
        WinnerHash = winnerHash;
        LoserHash = loserHash;
    }

    /// <summary>The receipt that ranks higher.</summary>
    public Receipt Winner { get; }

    /// <summary>The receipt that ranks directly below it.</summary>
    public Receipt Loser { get; }

    /// <summary>The first rule that tells them apart: one of <see cref="ConflictRules"/>.</summary>
    public string Rule { get; }

    /// <summary><c>sha256:</c> of the winner's RFC 8785 bytes.</summary>
    public string WinnerHash { get; }

    /// <summary><c>sha256:</c> of the loser's RFC 8785 bytes.</summary>
    public string LoserHash { get; }

    /// <summary>Returns <c>winner &gt; loser by rule</c>.</summary>
    public override string ToString() => $"{Winner} > {Loser} by {Rule}";
}
