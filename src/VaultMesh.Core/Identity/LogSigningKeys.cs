using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Identity;

/// <summary>
/// The two keys a node signs its log's checkpoints with, in the <c>keys/</c> folder of a data
/// directory: Ed25519 (<c>node.ed25519</c>) and ML-DSA-44 (<c>node.mldsa44</c>), each loaded on first
/// use. The log passes in whether anything that key signed is on record: a key is created only when
/// nothing is, so a lost key is reported instead of replaced by a new identity (docs/log.md).
/// </summary>
public sealed class LogSigningKeys
{
    private readonly string _dataDirectory;
    private NodeKey? _ed25519;
    private PostQuantumKey? _postQuantum;

    /// <summary>The keys of the data directory that holds the store.</summary>
    public LogSigningKeys(string dataDirectory) =>
        _dataDirectory = dataDirectory ?? throw new ArgumentNullException(nameof(dataDirectory));

    /// <summary>The Ed25519 key; created only when <paramref name="hasSigned"/> says nothing it signed is recorded.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyMissing</c> when its file is gone and it signed something.</exception>
    public NodeKey Ed25519(Func<bool> hasSigned) =>
        _ed25519 ??= Load(NodeKey.DefaultPath(_dataDirectory), "node key", hasSigned, NodeKey.LoadOrCreate);

    /// <summary>The ML-DSA-44 key; created only when <paramref name="hasSigned"/> says nothing it signed is recorded
    /// (a log that predates it gains it at its next checkpoint).</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyMissing</c> when its file is gone and it signed something.</exception>
    public PostQuantumKey PostQuantum(Func<bool> hasSigned) =>
        _postQuantum ??= Load(PostQuantumKey.DefaultPath(_dataDirectory), "ML-DSA-44 key", hasSigned, PostQuantumKey.LoadOrCreate);

    private static T Load<T>(string path, string what, Func<bool> hasSigned, Func<string, T> loadOrCreate)
    {
        if (!File.Exists(path) && hasSigned())
        {
            // A new key would sign the same origin's history under another identity.
            throw new VaultMeshException(IdentityErrorIds.NodeKeyMissing, VmErrorKind.SecurityError,
                $"The {what} '{path}' that signed this log's checkpoints is missing; restore it from backup. No new key was created.",
                path);
        }
        return loadOrCreate(path);
    }
}
