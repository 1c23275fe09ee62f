using System.Runtime.Versioning;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

public sealed class IdentityTests
{
    // RFC 8032 section 7.1, test 1.
    private const string Rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    [Fact]
    [SupportedOSPlatform("linux")]
    public void NodeKey_signs_the_RFC_8032_vector()
    {
        using var dir = new TempDirectory();
        var path = NodeKey.DefaultPath(dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Convert.FromHexString(Rfc8032Seed));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var key = NodeKey.TryLoad(path)!;
        Assert.Equal(Rfc8032Public, Convert.ToHexString(key.PublicKey).ToLowerInvariant());
        var signature = key.Sign([]);
        Assert.Equal(Rfc8032Signature, Convert.ToHexString(signature).ToLowerInvariant());
        Assert.True(NodeKey.Verify(key.PublicKey, [], signature));
    }

    [Fact]
    public void Verify_refuses_a_forged_signature_another_key_and_another_message()
    {
        using var dir = new TempDirectory();
        var a = NodeKey.Create(dir.File("a"), overwrite: false);
        var b = NodeKey.Create(dir.File("b"), overwrite: false);
        var signature = a.Sign("hello"u8);
        Assert.True(NodeKey.Verify(a.PublicKey, "hello"u8, signature));
        Assert.False(NodeKey.Verify(b.PublicKey, "hello"u8, signature));
        Assert.False(NodeKey.Verify(a.PublicKey, "hellp"u8, signature));
        signature[5] ^= 1;
        Assert.False(NodeKey.Verify(a.PublicKey, "hello"u8, signature));
        Assert.False(NodeKey.Verify(a.PublicKey, "hello"u8, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void Key_file_is_owner_only_and_never_replaced_without_overwrite()
    {
        using var dir = new TempDirectory();
        var path = NodeKey.DefaultPath(dir.File("data"));
        var key = NodeKey.LoadOrCreate(path);
        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
        var ex = Assert.Throws<VaultMeshException>(() => NodeKey.Create(path, overwrite: false));
        Assert.Equal("VmNodeKeyExists", ex.ErrorId);
        Assert.Equal(key.PublicKey, NodeKey.LoadOrCreate(path).PublicKey);
        Assert.NotEqual(key.PublicKey, NodeKey.Create(path, overwrite: true).PublicKey);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void A_key_file_of_the_wrong_length_is_refused_and_left_alone()
    {
        using var dir = new TempDirectory();
        var path = dir.File("node.ed25519");
        File.WriteAllBytes(path, new byte[31]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var ex = Assert.Throws<VaultMeshException>(() => NodeKey.TryLoad(path));
        Assert.Equal("VmNodeKeyInvalid", ex.ErrorId);
        Assert.Equal(31, new FileInfo(path).Length);
        Assert.Null(NodeKey.TryLoad(dir.File("absent")));
    }

    [Fact]
    public void DidKey_is_multicodec_ed25519_base58btc_and_round_trips()
    {
        var publicKey = Convert.FromHexString(Rfc8032Public);
        var did = DidKey.Format(publicKey);
        Assert.StartsWith("did:key:z6Mk", did, StringComparison.Ordinal);
        Assert.Equal(publicKey, DidKey.Parse(did));
    }

    [Theory]
    [InlineData("did:web:example.com")]
    [InlineData("did:key:z0OIl")]
    [InlineData("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")]
    [InlineData("")]
    public void DidKey_refuses_what_is_not_an_ed25519_did_key(string did)
    {
        var ex = Assert.Throws<VaultMeshException>(() => DidKey.Parse(did));
        Assert.Equal("VmFederationDidInvalid", ex.ErrorId);
    }

    [Fact]
    public void Note_verifier_key_has_name_key_id_and_typed_key()
    {
        var publicKey = Convert.FromHexString(Rfc8032Public);
        var vkey = VaultMesh.Core.Log.NoteVerifierKey.Create("example.com/log", publicKey).ToString();
        var parts = vkey.Split('+', 3);
        Assert.Equal("example.com/log", parts[0]);
        Assert.Matches("^[0-9a-f]{8}$", parts[1]);
        Assert.Equal([0x01, .. publicKey], Convert.FromBase64String(parts[2]));
        var expectedId = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData([.. "example.com/log"u8.ToArray(), 0x0A, 0x01, .. publicKey]))[..8].ToLowerInvariant();
        Assert.Equal(expectedId, parts[1]);
    }
}
