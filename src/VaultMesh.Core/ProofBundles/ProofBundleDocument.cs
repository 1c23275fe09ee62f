using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// A proof bundle v1 (<see cref="ProofBundleFormat"/>): what <see cref="ProofBundleWriter"/> serializes
/// and the field names and order <see cref="ProofBundleVerifier"/> accepts. Property names are the
/// JSON names in camelCase; a null optional field is left out.
/// </summary>
/// <param name="Format">Always <see cref="ProofBundleFormat.Version1"/>.</param>
/// <param name="Memory">The fields the memory's id and leaf are recomputed from.</param>
/// <param name="Leaf">The sealed leaf.</param>
/// <param name="Proof">The inclusion proof into the batch root.</param>
/// <param name="Batch">The batch.</param>
/// <param name="Log">The memory's place in the node's log, when it has one.</param>
/// <param name="Anchors">receipt.v1 objects, possibly none.</param>
public sealed record ProofBundleDocument(string Format, ProofBundleMemory Memory, ProofBundleLeaf Leaf,
    ProofBundleProof Proof, ProofBundleBatch Batch, ProofBundleLog? Log, JsonArray Anchors)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The bundle as its file holds it (indented, LF line ends).</summary>
    internal string ToText() => ProofBundleFormat.ToText(JsonSerializer.SerializeToNode(this, Options)!);

    /// <summary>The JSON field names of a section, in the order they are written.</summary>
    internal static string[] FieldsOf<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => Options.PropertyNamingPolicy!.ConvertName(p.Name)).ToArray();
}

/// <summary>The <c>memory</c> section: the memory's fields as recorded.</summary>
/// <param name="Id">The memory id, <c>sha256:</c> of its canonical content.</param>
/// <param name="Type">Memory type.</param>
/// <param name="Component">Component.</param>
/// <param name="Version">Version.</param>
/// <param name="Timestamp">When it was recorded, UTC.</param>
/// <param name="Payload">The payload JSON (JSON null is written as null, never left out).</param>
/// <param name="Tags">Tags.</param>
/// <param name="ArtifactHash">Artifact digest, when recorded.</param>
/// <param name="ArtifactName">Artifact name, when recorded.</param>
/// <param name="Actor">Who recorded it, when known.</param>
public sealed record ProofBundleMemory(string Id, string Type, string Component, string Version, string Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Payload, IReadOnlyList<string> Tags,
    string? ArtifactHash, string? ArtifactName, string? Actor);

/// <summary>The <c>leaf</c> section.</summary>
/// <param name="Encoding">Always <see cref="ProofBundleFormat.LeafEncoding"/>.</param>
/// <param name="Jcs">The JCS text that was sealed.</param>
public sealed record ProofBundleLeaf(string Encoding, string Jcs);

/// <summary>The <c>proof</c> section: an RFC 9162 inclusion proof, lower-case hex, audit path bottom-up.</summary>
/// <param name="LeafIndex">The leaf's index in the batch.</param>
/// <param name="TreeSize">The batch's size.</param>
/// <param name="LeafHash">SHA-256(0x00 || leaf).</param>
/// <param name="AuditPath">Sibling hashes, bottom-up.</param>
public sealed record ProofBundleProof(long LeafIndex, long TreeSize, string LeafHash, IReadOnlyList<string> AuditPath);

/// <summary>The <c>batch</c> section.</summary>
/// <param name="BatchId">Derived from root and size.</param>
/// <param name="Root">The batch root, lower-case hex.</param>
/// <param name="Size">Leaves in the batch.</param>
/// <param name="SealedAt">When it was sealed, UTC.</param>
public sealed record ProofBundleBatch(string BatchId, string Root, long Size, string SealedAt);

/// <summary>The <c>log</c> section (docs/log.md): the memory's checkpoint and a later anchored one, if any.</summary>
/// <param name="Index">The memory's index in the log.</param>
/// <param name="Checkpoint">The first checkpoint that contains it, with cosignatures.</param>
/// <param name="Inclusion">Its inclusion proof at that checkpoint, lower-case hex.</param>
/// <param name="AnchoredCheckpoint">A later anchored checkpoint, when there is one.</param>
/// <param name="Consistency">The consistency proof joining the two checkpoints.</param>
public sealed record ProofBundleLog(long Index, string Checkpoint, IReadOnlyList<string> Inclusion,
    string? AnchoredCheckpoint = null, IReadOnlyList<string>? Consistency = null);
