using VaultMesh.Core.Identity;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests;

/// <summary>The log and sealer a default profile (no <c>log.origin</c>, no peers) builds over a store, for tests
/// that work on a bare store rather than through <see cref="Services.ProfileServices"/>.</summary>
public static class ProfileLogs
{
    /// <summary>The default profile's log over <paramref name="store"/>; <paramref name="time"/> dates its
    /// checkpoints.</summary>
    public static global::VaultMesh.Core.Log.TransparencyLog LogOver(VaultStore store, TimeProvider? time = null) =>
        new(store, new LogSigningKeys(store.DataDirectory), null, time);

    /// <summary>A sealer appending to <see cref="LogOver"/>, sealing and signing at <paramref name="time"/>.</summary>
    public static Sealer SealerOver(VaultStore store, TimeProvider? time = null) =>
        new(store, LogOver(store, time), time);
}
