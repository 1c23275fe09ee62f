using System.Text;
using CsCheck;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Digests;

public class Sha256DigestTests
{
    private const string EmptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Compute_matches_the_FIPS_180_test_vectors()
    {
        Assert.Equal(EmptyHex, Sha256Digest.Compute([]).ToHex());
        Assert.Equal(AbcHex, Sha256Digest.Compute("abc"u8).ToHex());
        Assert.Equal(Sha256Digest.Compute([]), Sha256Digest.Empty);
    }

    [Fact]
    public void Formats_each_form_in_lower_case()
    {
        var digest = Sha256Digest.Compute("abc"u8);
        Assert.Equal(AbcHex, digest.ToHex());
        Assert.Equal("sha256:" + AbcHex, digest.ToPrefixed());
        Assert.Equal("0x" + AbcHex, digest.To0x());
        Assert.Equal("sha256:" + AbcHex, digest.ToString());
        Assert.Equal(digest.To0x(), digest.Format(DigestForm.ZeroX));
    }

    [Theory]
    [InlineData("sha256:" + AbcHex, DigestForm.Prefixed)]
    [InlineData("0x" + AbcHex, DigestForm.ZeroX)]
    [InlineData(AbcHex, DigestForm.Hex)]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", DigestForm.Hex)]
    [InlineData("0xBA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015AD", DigestForm.ZeroX)]
    public void Parses_every_form_and_either_case_to_the_same_bytes(string text, DigestForm form)
    {
        var digest = Sha256Digest.Parse(text);
        Assert.Equal(Sha256Digest.Compute("abc"u8), digest);
        Assert.Equal(digest, Sha256Digest.Parse(text, form));
        Assert.Equal(form, Sha256Digest.DetectForm(text));
        Assert.True(Sha256Digest.TryParse(text, out var again));
        Assert.Equal(digest, again);
    }

    [Fact]
    public void Round_trips_random_digests_through_every_form()
    {
        Gen.Byte.Array[32].Sample(bytes =>
        {
            var digest = Sha256Digest.FromBytes(bytes);
            Assert.Equal(bytes, digest.ToArray());
            foreach (var form in new[] { DigestForm.Prefixed, DigestForm.ZeroX, DigestForm.Hex })
            {
                var text = digest.Format(form);
                Assert.Equal(text.ToLowerInvariant(), text);
                Assert.Equal(digest, Sha256Digest.Parse(text, form));
                Assert.Equal(digest, Sha256Digest.Parse(text.ToUpperInvariant().Replace("SHA256:", "sha256:", StringComparison.Ordinal).Replace("0X", "0x", StringComparison.Ordinal)));
            }
        }, iter: 500);
    }

    [Fact]
    public void Orders_by_bytes_like_an_unsigned_lexicographic_compare()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b) =>
        {
            var expected = Math.Sign(a.AsSpan().SequenceCompareTo(b));
            var da = Sha256Digest.FromBytes(a);
            var db = Sha256Digest.FromBytes(b);
            Assert.Equal(expected, Math.Sign(da.CompareTo(db)));
            Assert.Equal(expected == 0, da == db);
            Assert.Equal(expected < 0, da < db);
            Assert.Equal(expected > 0, da > db);
            Assert.Equal(expected <= 0, da <= db);
            Assert.Equal(expected >= 0, da >= db);
            Assert.Equal(expected != 0, da != db);
            Assert.Equal(expected, Math.Sign(string.CompareOrdinal(da.ToHex(), db.ToHex())));
        }, iter: 500);
        var high = new byte[32];
        high[0] = 0x80;
        Assert.True(Sha256Digest.FromBytes(high) > Sha256Digest.FromBytes(Enumerable.Repeat((byte)0x7F, 32).ToArray()));
    }

    [Fact]
    public void Equality_is_on_bytes_whatever_the_form_and_case()
    {
        var a = Sha256Digest.Parse("sha256:" + AbcHex);
        var b = Sha256Digest.Parse("0x" + AbcHex.ToUpperInvariant());
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals((object)AbcHex));
        Assert.NotEqual(a, Sha256Digest.Empty);
        Assert.Equal(0, a.CompareTo((object)b));
        Assert.Equal(1, a.CompareTo(null));
        Assert.Throws<ArgumentException>(() => a.CompareTo((object)"x"));
    }

    [Theory]
    [InlineData("", "wrong length: 0 hex digits")]
    [InlineData("abc", "wrong length: 3 hex digits")]
    [InlineData("sha256:" + AbcHex + "0", "wrong length: 65 hex digits")]
    [InlineData("sha256:", "wrong length: 0 hex digits")]
    [InlineData("0x" + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", "wrong length: 63 hex digits")]
    [InlineData("0X" + AbcHex, "unknown prefix '0X'")]
    [InlineData("SHA256:" + AbcHex, "unknown prefix 'SHA256:'")]
    [InlineData("sha512:" + AbcHex, "unknown prefix 'sha512:'")]
    [InlineData("sha256 :" + AbcHex, "unknown prefix 'sha256 :'")]
    [InlineData("ba7816bg8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "bad character 'g' at position 7")]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a ", "bad character ' ' at position 70")]
    [InlineData("0x-a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "bad character '-' at position 2")]
    [InlineData(" ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", "bad character ' ' at position 0")]
    public void Rejects_malformed_text_saying_what_is_wrong(string text, string problem)
    {
        var ex = Assert.Throws<VaultMeshException>(() => Sha256Digest.Parse(text));
        Assert.Equal("VmDigestInvalid", ex.ErrorId);
        Assert.Equal(VmErrorKind.InvalidData, ex.Kind);
        Assert.Equal(text, ex.Target);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"'{text}' is not a valid SHA-256 digest", ex.Message, StringComparison.Ordinal);
        Assert.False(Sha256Digest.TryParse(text, out _));
    }

    [Fact]
    public void Names_a_control_character_by_its_code()
    {
        var ex = Assert.Throws<VaultMeshException>(() => Sha256Digest.Parse("\u0001" + AbcHex[1..]));
        Assert.Contains("bad character '\\u0001' at position 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha256:" + AbcHex, DigestForm.ZeroX)]
    [InlineData("0x" + AbcHex, DigestForm.Prefixed)]
    [InlineData(AbcHex, DigestForm.Prefixed)]
    [InlineData("sha256:" + AbcHex, DigestForm.Hex)]
    public void Rejects_another_form_than_the_expected_one(string text, DigestForm expected)
    {
        var ex = Assert.Throws<VaultMeshException>(() => Sha256Digest.Parse(text, expected));
        Assert.Equal("VmDigestInvalid", ex.ErrorId);
        Assert.Contains("expected the", ex.Message, StringComparison.Ordinal);
        Assert.False(Sha256Digest.TryParse(text, expected, out _));
    }

    [Fact]
    public void Shortens_very_long_input_in_the_message()
    {
        var text = new string('z', 10_000);
        var ex = Assert.Throws<VaultMeshException>(() => Sha256Digest.Parse(text));
        Assert.True(ex.Message.Length < 300, ex.Message);
        Assert.Contains("wrong length: 10000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_null_and_wrong_byte_counts()
    {
        Assert.Throws<ArgumentNullException>(() => Sha256Digest.Parse(null!));
        Assert.False(Sha256Digest.TryParse(null, out _));
        var ex = Assert.Throws<VaultMeshException>(() => Sha256Digest.FromBytes(new byte[31]));
        Assert.Equal("VmDigestInvalid", ex.ErrorId);
        Assert.Contains("not 31", ex.Message, StringComparison.Ordinal);
        Assert.Throws<VaultMeshException>(() => Sha256Digest.FromBytes(new byte[33]));
        Assert.Throws<ArgumentException>(() => Sha256Digest.Empty.CopyTo(new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sha256Digest.Empty.Format((DigestForm)42));
    }

    [Fact]
    public void Default_value_is_the_all_zero_digest()
    {
        Assert.Equal(new string('0', 64), default(Sha256Digest).ToHex());
        Assert.Equal(default, Sha256Digest.Parse(Encoding.ASCII.GetString(new byte[64]).Replace('\0', '0')));
    }
}
