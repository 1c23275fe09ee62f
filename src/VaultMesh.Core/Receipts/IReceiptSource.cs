using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Receipts;

/// <summary>
/// Where anchor receipts of a batch root come from: receipt files an operator names, and (once
/// anchoring stores them) the profile's receipts table. Proof bundles, batch manifests and the
/// timeline read receipts only through this interface.
/// </summary>
public interface IReceiptSource
{
    /// <summary>Every receipt known to anchor <paramref name="root"/>; empty when it is not anchored.</summary>
    IReadOnlyList<Receipt> ForRoot(Sha256Digest root);
}

/// <summary>
/// A fixed set of receipts (for example read from <c>-ReceiptPath</c> files), optionally in front of
/// another source. <see cref="ForRoot"/> returns the receipts whose root equals the asked root as a
/// digest (never as text), without duplicates (same canonical JSON), in the order given.
/// </summary>
public sealed class ReceiptList : IReceiptSource
{
    private readonly IReadOnlyList<Receipt> _receipts;
    private readonly IReceiptSource? _next;

    /// <summary>Wraps <paramref name="receipts"/>; receipts of <paramref name="next"/> follow them.</summary>
    public ReceiptList(IEnumerable<Receipt> receipts, IReceiptSource? next = null)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        _receipts = receipts.ToArray();
        _next = next;
    }

    /// <summary>Every receipt this list holds, whatever its root.</summary>
    public IReadOnlyList<Receipt> All => _receipts;

    /// <inheritdoc />
    public IReadOnlyList<Receipt> ForRoot(Sha256Digest root)
    {
        var seen = new HashSet<Sha256Digest>();
        var found = new List<Receipt>();
        var candidates = _receipts.Where(r => Sha256Digest.TryParse(r.Root, out var d) && d == root);
        foreach (var receipt in _next is null ? candidates : candidates.Concat(_next.ForRoot(root)))
        {
            if (seen.Add(CanonicalJson.Sha256(receipt.Json.GetRawText())))
            {
                found.Add(receipt);
            }
        }
        return found;
    }
}
