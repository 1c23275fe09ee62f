namespace VaultMesh.Core.Federation;

/// <summary>
/// The federation API under <c>/federation/v1/</c>. Every message endpoint takes a POST of one signed
/// <see cref="FederationMessage"/> whose <c>type</c> is <see cref="TypeOf"/> its name and answers with a
/// signed message of type <c>&lt;type&gt;.response</c>. <see cref="AddCheckpoint"/> is the C2SP witness
/// endpoint: its body is a checkpoint whose own signature authenticates it (see docs/federation.md).
/// </summary>
public static class FederationEndpoints
{
    /// <summary>The path prefix of the API.</summary>
    public const string Prefix = "/federation/v1/";
    /// <summary>A peer announces new batches; the guardian syncs from it.</summary>
    public const string Announce = "announce";
    /// <summary>Batches with a sequence above <c>since</c>.</summary>
    public const string Batches = "batches";
    /// <summary>One batch: its manifest fields, leaves and receipts.</summary>
    public const string Batch = "batch";
    /// <summary>Receipt observations with a sequence above <c>since</c>.</summary>
    public const string Receipts = "receipts";

    /// <summary>The C2SP tlog-witness endpoint: a peer asks this guardian to cosign its checkpoint.</summary>
    public const string AddCheckpoint = "add-checkpoint";

    /// <summary>Every message endpoint.</summary>
    public static IReadOnlyList<string> All { get; } = [Announce, Batches, Batch, Receipts];

    /// <summary>The message type of an endpoint's requests.</summary>
    public static string TypeOf(string endpoint) => "vaultmesh.federation.v1." + endpoint;

    /// <summary>The message type of an endpoint's responses.</summary>
    public static string ResponseTypeOf(string endpoint) => TypeOf(endpoint) + ".response";
}
