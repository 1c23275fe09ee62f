using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using Xunit;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>The policy of a command's -Witness and -WitnessQuorum (Test-VmLog, Get-VmLogEntry, Test-VmProofBundle).</summary>
public sealed class WitnessParameterTests
{
    private static string Witness(byte seed)
    {
        var key = NodeKey.FromSeed(Enumerable.Repeat(seed, 32).ToArray());
        return NoteVerifierKey.CreateCosigner($"witness-{seed}.example", key.PublicKey).ToString();
    }

    [Fact]
    public void No_witnesses_and_no_quorum_ask_for_no_cosignature()
    {
        Assert.Null(WitnessPolicy.FromParameters(null, null));
        Assert.Null(WitnessPolicy.FromParameters([], null));
    }

    [Fact]
    public void A_quorum_without_witnesses_is_refused_not_ignored()
    {
        // Ignored, "-WitnessQuorum 2" alone would verify a log that no witness cosigned.
        foreach (var none in new string[]?[] { null, [] })
        {
            var ex = Assert.Throws<VaultMeshException>(() => WitnessPolicy.FromParameters(none, 2));
            Assert.Equal("VmWitnessPolicyInvalid", ex.ErrorId);
            Assert.Contains("-Witness", ex.Message);
        }
    }

    [Fact]
    public void Witnesses_give_the_policy_Create_gives()
    {
        var policy = WitnessPolicy.FromParameters([Witness(1), Witness(2)], 1)!;
        Assert.Equal(1, policy.Quorum);
        Assert.Equal(2, policy.Witnesses.Count);
        Assert.Throws<VaultMeshException>(() => WitnessPolicy.FromParameters([Witness(1)], 2));
        Assert.Throws<VaultMeshException>(() => WitnessPolicy.FromParameters([Witness(1)], null, requirePostQuantum: true));
    }
}
