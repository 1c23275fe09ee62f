namespace VaultMesh.Core.Log;

/// <summary>
/// A signed checkpoint of this node's log: origin, size and root, the C2SP note text and the vkey
/// that verifies it. Property names match the parameters of <c>Test-VmCheckpoint</c>.
/// </summary>
public sealed class CheckpointRecord
{
    internal CheckpointRecord(string origin, long size, string root, string note, string vkey, DateTimeOffset createdAt,
        IReadOnlyList<CheckpointCosignature>? cosignatures = null, WitnessPolicy? policy = null)
    {
        Cosignatures = cosignatures ?? [];
        Origin = origin;
        Size = size;
        Root = root;
        Note = note;
        Vkey = vkey;
        CreatedAt = createdAt;
        Witness = policy?.Evaluate(SignedNote.Parse(CosignedNote));
    }

    /// <summary>The log's origin line.</summary>
    public string Origin { get; }
    /// <summary>Number of leaves the checkpoint commits to.</summary>
    public long Size { get; }
    /// <summary>The RFC 6962 root of the log at that size, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>The signed note exactly as c2sp.org/tlog-checkpoint defines it.</summary>
    public string Note { get; }
    /// <summary>This node's verifier key (C2SP vkey text) for the note.</summary>
    public string Vkey { get; }
    /// <summary>
    /// This node's ML-DSA-44 verifier key (type 0x06, named by the origin) for the note's quantum-resistant
    /// line; checkpoints signed before the node had that key carry only the Ed25519 line.
    /// </summary>
    public string? PostQuantumVkey { get; init; }
    /// <summary>When it was signed (UTC).</summary>
    public DateTimeOffset CreatedAt { get; }
    /// <summary>The witnesses' cosignatures of this checkpoint that this node verified and kept.</summary>
    public IReadOnlyList<CheckpointCosignature> Cosignatures { get; }
    /// <summary>The witnesses that cosigned it (their cosigner key names).</summary>
    public IReadOnlyList<string> CosignedBy => Cosignatures.Select(c => c.Witness).Distinct(StringComparer.Ordinal).ToList();
    /// <summary>Whether the profile's witness policy (its peers, <c>witness.quorum</c> of them) is met; null when the profile has no peers.</summary>
    public WitnessVerdict? Witness { get; }
    /// <summary>The note with the witnesses' cosignature lines after this node's signature: what proofs carry.</summary>
    public string CosignedNote => Note + string.Concat(Cosignatures.Select(c => c.Line + "\n"));
}

/// <summary>A witness's tlog-cosignature/v1 of one of this node's checkpoints.</summary>
/// <param name="Witness">The cosigner key name (the witness's did:key).</param>
/// <param name="KeyId">The cosigner key ID.</param>
/// <param name="Time">The time the cosignature states (UTC).</param>
/// <param name="Line">The note signature line, without its newline.</param>
public sealed record CheckpointCosignature(string Witness, uint KeyId, DateTimeOffset Time, string Line);
