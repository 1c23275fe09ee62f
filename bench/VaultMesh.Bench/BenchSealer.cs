using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Bench;

/// <summary>The sealer of a default profile (no <c>log.origin</c>, no peers) over a bench store.</summary>
internal static class BenchSealer
{
    public static Sealer Over(VaultStore store) =>
        new(store, new TransparencyLog(store, new LogSigningKeys(store.DataDirectory)));
}
