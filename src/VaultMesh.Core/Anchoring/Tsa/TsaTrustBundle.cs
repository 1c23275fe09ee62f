using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>Loads the pinned TSA trust roots from a PEM bundle.</summary>
internal static class TsaTrustBundle
{
    public const string InvalidErrorId = TsaErrorIds.TrustBundleInvalid;

    public static X509Certificate2Collection Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new VaultMeshException(TsaErrorIds.TrustBundleMissing, VmErrorKind.InvalidOperation,
                "No TSA trust bundle is configured (rails.tsa.trust_bundle): " +
                "timestamp tokens are verified only against pinned roots, never the system store.",
                "rails.tsa.trust_bundle");
        }
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.ResourceUnavailable,
                $"The TSA trust bundle '{path}' cannot be read: {e.Message}", path, e);
        }
        catch (CryptographicException e)
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                $"The TSA trust bundle '{path}' is not a PEM certificate bundle: {e.Message}", path, e);
        }
        if (roots.Count == 0)
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                $"The TSA trust bundle '{path}' holds no certificate.", path);
        }
        return roots;
    }
}
