using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// The proof bundle v1 layout: one JSON object per memory with <c>format</c>, <c>memory</c> (the
/// fields its id and leaf are recomputed from), <c>leaf</c> (the JCS text that was sealed),
/// <c>proof</c> (RFC 9162 inclusion proof, lower-case hex, audit path bottom-up), <c>batch</c>
/// (batchId, root, size, sealedAt) and <c>anchors</c> (receipt.v1 objects, possibly none).
/// </summary>
public static class ProofBundleFormat
{
    /// <summary>The value of <c>format</c> this version writes and reads.</summary>
    public const string Version1 = "vaultmesh.proof-bundle.v1";

    /// <summary>How the leaf is encoded: the JCS of the memory's content plus its id and timestamp.</summary>
    public const string LeafEncoding = "jcs-memory-v1";

    /// <summary>The tree algorithm of every batch.</summary>
    public const string TreeAlgorithm = "rfc6962-sha256";

    /// <summary>File name suffix of a bundle written into a directory: <c>&lt;id hex&gt;.proof.json</c>.</summary>
    public const string FileSuffix = ".proof.json";

    // Non-ASCII text stays readable for the auditor; the bytes are still exact JSON.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a JSON document indented, with LF line ends on every platform.</summary>
    internal static string ToText(JsonNode node) => node.ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
}
