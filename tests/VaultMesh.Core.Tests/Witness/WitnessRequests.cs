using System.Text;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Witness;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>add-checkpoint requests built from a log's own store, and posting them to a guardian's API.</summary>
internal static class WitnessRequests
{
    /// <summary>The request a log sends for its checkpoint of <paramref name="size"/> (default the newest), from <paramref name="old"/>.</summary>
    public static string For(TransparencyLog log, long old, long? size = null)
    {
        var checkpoint = size is null ? log.GetCheckpoint()! : log.GetCheckpoint(size)!;
        var proof = old == 0 || old >= checkpoint.Size ? [] : log.GetConsistencyProof(old, checkpoint.Size).Path.Select(Convert.FromHexString).ToList();
        return new AddCheckpointRequest(old, proof, checkpoint.Note).ToString();
    }

    /// <summary>Posts a body to the API's add-checkpoint endpoint.</summary>
    public static Task<GuardianResponse> Post(GuardianApi api, string body) =>
        api.HandleAsync("POST", FederationEndpoints.Prefix + FederationEndpoints.AddCheckpoint, new MemoryStream(Encoding.UTF8.GetBytes(body)), null, CancellationToken.None);
}
