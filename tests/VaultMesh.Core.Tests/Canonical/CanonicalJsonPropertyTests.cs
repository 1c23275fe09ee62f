using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using VaultMesh.Core.Canonical;

namespace VaultMesh.Core.Tests.Canonical;

public class CanonicalJsonPropertyTests
{
    private static readonly Gen<double> FiniteDouble = Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite);

    [Fact]
    public void Canonicalising_is_idempotent()
    {
        Gen.Int.Sample(seed =>
        {
            var text = RandomJson.Write(seed, shuffle: false, noisy: true);
            var once = CanonicalJson.Canonicalize(text);
            Assert.Equal(once, CanonicalJson.Canonicalize(once));
        }, iter: 300);
    }

    [Fact]
    public void Member_order_and_layout_do_not_change_the_result()
    {
        Gen.Select(Gen.Int, Gen.Int).Sample((seed, shuffleSeed) =>
        {
            var plain = RandomJson.Write(seed, shuffle: false, noisy: false);
            var shuffled = RandomJson.Write(seed, shuffle: true, noisy: true, shuffleSeed);
            Assert.Equal(CanonicalJson.CanonicalizeToUtf8(plain), CanonicalJson.CanonicalizeToUtf8(shuffled));
            Assert.Equal(CanonicalJson.Sha256(plain), CanonicalJson.Sha256(shuffled));
        }, iter: 300);
    }

    [Fact]
    public void Output_is_json_with_the_same_values_and_sorted_keys()
    {
        Gen.Int.Sample(seed =>
        {
            var text = RandomJson.Write(seed, shuffle: true, noisy: true, seed ^ 0x5bd1e995);
            var canonical = CanonicalJson.Canonicalize(text);
            using var input = JsonDocument.Parse(text);
            using var output = JsonDocument.Parse(canonical);
            AssertSameValue(input.RootElement, output.RootElement);
            Assert.DoesNotContain('\n', canonical);
        }, iter: 200);
    }

    [Fact]
    public void Numbers_round_trip_to_the_same_double()
    {
        FiniteDouble.Sample(d =>
        {
            var text = CanonicalJson.FormatNumber(d);
            var back = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(d == 0 ? 0.0 : d, back);
            Assert.Equal(text, CanonicalJson.Canonicalize(text));
            Assert.DoesNotContain('E', text);
            // ECMAScript uses exponent form exactly when the decimal exponent is outside [-7, 21).
            var magnitude = Math.Abs(d);
            Assert.Equal(magnitude != 0 && (magnitude >= 1e21 || magnitude < 1e-6), text.Contains('e', StringComparison.Ordinal));
        }, iter: 5000);
    }

    [Fact]
    public void Any_duplicate_key_anywhere_is_rejected()
    {
        Gen.Int.Sample(seed =>
        {
            var text = RandomJson.WriteWithDuplicate(seed);
            var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(text));
            Assert.Contains("duplicate key", ex.Message, StringComparison.Ordinal);
        }, iter: 200);
    }

    private static void AssertSameValue(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.ValueKind, actual.ValueKind);
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = actual.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
                Assert.Equal(expected.EnumerateObject().Count(), keys.Count);
                foreach (var p in expected.EnumerateObject())
                {
                    AssertSameValue(p.Value, actual.GetProperty(p.Name));
                }
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertSameValue(e, a);
                }
                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.GetDouble(), actual.GetDouble());
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), actual.GetString());
                break;
        }
    }

    /// <summary>Random JSON documents from a seed, written with a chosen member order and layout.</summary>
    private static class RandomJson
    {
        private static readonly string[] Alphabet =
        [
            "a", "b", "A", "Z", "0", "_", " ", "é", "€", "\u0080", "\u2028", "\uE000", "\uFB33", "\U0001F600",
            "\u0000", "\u001f", "\n", "\t", "\"", "\\", "/", "\u007f",
        ];

        public static string Write(int seed, bool shuffle, bool noisy, int layoutSeed = 0)
        {
            var value = Build(new Random(seed), 0);
            var sb = new StringBuilder();
            Emit(sb, value, shuffle || noisy ? new Random(layoutSeed) : null, shuffle, noisy);
            return sb.ToString();
        }

        public static string WriteWithDuplicate(int seed)
        {
            var random = new Random(seed);
            var value = Build(random, 0);
            // Wrap so there is always an object to put the duplicate in, at a random depth.
            var host = new List<KeyValuePair<string, object?>> { new("k", value), new("k", random.Next(2) == 0 ? 1.0 : "x") };
            object? root = host;
            for (var depth = random.Next(4); depth > 0; depth--)
            {
                root = random.Next(2) == 0
                    ? new List<object?> { 1.0, root }
                    : new List<KeyValuePair<string, object?>> { new("z", null), new("n", root) };
            }
            var sb = new StringBuilder();
            Emit(sb, root, new Random(seed), shuffle: true, noisy: true);
            return sb.ToString();
        }

        private static object? Build(Random random, int depth)
        {
            var pick = random.Next(depth > 4 ? 6 : 8);
            switch (pick)
            {
                case 0: return null;
                case 1: return true;
                case 2: return false;
                case 3: return RandomNumber(random);
                case 4:
                case 5: return RandomString(random);
                case 6:
                    var list = new List<object?>();
                    for (var i = random.Next(5); i > 0; i--)
                    {
                        list.Add(Build(random, depth + 1));
                    }
                    return list;
                default:
                    var members = new List<KeyValuePair<string, object?>>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    for (var i = random.Next(6); i > 0; i--)
                    {
                        var key = RandomString(random);
                        if (seen.Add(key))
                        {
                            members.Add(new(key, Build(random, depth + 1)));
                        }
                    }
                    return members;
            }
        }

        private static double RandomNumber(Random random) => random.Next(4) switch
        {
            0 => random.Next(-1000, 1000),
            1 => Math.Round(random.NextDouble() * 1000, random.Next(6)),
            2 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 0.5,
            _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)),
        };

        private static string RandomString(Random random)
        {
            var sb = new StringBuilder();
            for (var i = random.Next(6); i > 0; i--)
            {
                sb.Append(Alphabet[random.Next(Alphabet.Length)]);
            }
            return sb.ToString();
        }

        private static void Emit(StringBuilder sb, object? value, Random? layout, bool shuffle, bool noisy)
        {
            Space(sb, layout, noisy);
            switch (value)
            {
                case null: sb.Append("null"); break;
                case true: sb.Append("true"); break;
                case false: sb.Append("false"); break;
                case double d: EmitNumber(sb, d, layout, noisy); break;
                case string s: EmitString(sb, s, layout, noisy); break;
                case List<object?> list:
                    sb.Append('[');
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        Emit(sb, list[i], layout, shuffle, noisy);
                    }
                    Space(sb, layout, noisy);
                    sb.Append(']');
                    break;
                case List<KeyValuePair<string, object?>> members:
                    var ordered = shuffle ? members.OrderBy(_ => layout!.Next()).ToList() : members;
                    sb.Append('{');
                    for (var i = 0; i < ordered.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        Space(sb, layout, noisy);
                        EmitString(sb, ordered[i].Key, layout, noisy);
                        Space(sb, layout, noisy);
                        sb.Append(':');
                        Emit(sb, ordered[i].Value, layout, shuffle, noisy);
                    }
                    Space(sb, layout, noisy);
                    sb.Append('}');
                    break;
            }
            Space(sb, layout, noisy);
        }

        private static void Space(StringBuilder sb, Random? layout, bool noisy)
        {
            if (noisy && layout!.Next(3) == 0)
            {
                sb.Append(" \t\r\n"[layout.Next(4)]);
            }
        }

        private static void EmitNumber(StringBuilder sb, double d, Random? layout, bool noisy)
        {
            if (!noisy)
            {
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            // The same double in other spellings: exponent form, or a trailing fractional zero.
            var text = layout!.Next(3) switch
            {
                0 => d.ToString("E17", CultureInfo.InvariantCulture),
                1 => d.ToString("R", CultureInfo.InvariantCulture) is var r && !r.Contains('E', StringComparison.Ordinal) && !r.Contains('.', StringComparison.Ordinal) ? r + ".0" : r,
                _ => d.ToString("R", CultureInfo.InvariantCulture),
            };
            sb.Append(text);
        }

        private static void EmitString(StringBuilder sb, string s, Random? layout, bool noisy)
        {
            sb.Append('"');
            Span<char> units = stackalloc char[2];
            foreach (var rune in s.EnumerateRunes())
            {
                var escapeAnyway = noisy && layout!.Next(4) == 0;
                if (rune.Value < 0x20 || rune.Value == '"' || rune.Value == '\\' || escapeAnyway)
                {
                    var n = rune.EncodeToUtf16(units);
                    for (var i = 0; i < n; i++)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)units[i]:X4}");
                    }
                }
                else
                {
                    sb.Append(rune.ToString());
                }
            }
            sb.Append('"');
        }
    }
}
