using System.Globalization;
using System.Text.Json;

namespace VaultMesh.Core.Receipts;

/// <summary>A batch-manifest.v1 document: the anchor receipts of one sealed batch. Immutable.</summary>
public sealed class BatchManifest
{
    internal BatchManifest(JsonElement json, string source)
    {
        Json = json.Clone();
        Source = source;
        Version = json.GetProperty("version").GetString()!;
        BatchId = json.GetProperty("batchId").GetString()!;
        CreatedAt = json.GetProperty("createdAt").GetString()!;
        SubmittedBy = json.TryGetProperty("submittedBy", out var by) ? by.GetString() : null;
        Metadata = json.TryGetProperty("metadata", out var metadata) ? metadata.Clone() : null;
        var receipts = new List<Receipt>();
        var i = 0;
        foreach (var receipt in json.GetProperty("receipts").EnumerateArray())
        {
            var pointer = "/receipts/" + i.ToString(CultureInfo.InvariantCulture);
            receipts.Add(new Receipt(receipt, source + "#" + pointer, pointer));
            i++;
        }
        Receipts = receipts.AsReadOnly();
    }

    /// <summary>Schema version, always "1".</summary>
    public string Version { get; }

    /// <summary>Identifier of the batch (at least 8 characters).</summary>
    public string BatchId { get; }

    /// <summary>When the manifest was created, as written (RFC 3339).</summary>
    public string CreatedAt { get; }

    /// <summary>Who submitted it, if recorded.</summary>
    public string? SubmittedBy { get; }

    /// <summary>Free-form metadata, if any.</summary>
    public JsonElement? Metadata { get; }

    /// <summary>The receipts in file order (at least one).</summary>
    public IReadOnlyList<Receipt> Receipts { get; }

    /// <summary>The whole manifest as it was read.</summary>
    public JsonElement Json { get; }

    /// <summary>Where the manifest came from: a file path or <c>&lt;json&gt;</c>.</summary>
    public string Source { get; }
}
