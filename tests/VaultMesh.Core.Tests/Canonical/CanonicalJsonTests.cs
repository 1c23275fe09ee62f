using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Canonical;

public class CanonicalJsonTests
{
    // RFC 8785 section 3.2.2, the sample input, verbatim.
    private const string RfcSampleInput = """
        {
          "numbers": [333333333.33333329, 1E30, 4.50,
                      2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }
        """;

    // RFC 8785 section 3.2.4: the canonical form of the sample, as the RFC lists its UTF-8 bytes.
    private const string RfcSampleBytes =
        "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 " +
        "5d 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 " +
        "33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c 22 73 " +
        "74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c " +
        "5c 5c 22 2f 22 7d";

    [Fact]
    public void A_parsed_number_beyond_float_range_is_canonicalised_not_called_infinite()
    {
        // Parsed nodes hold JsonElements; asking one for a float overflowed to infinity and refused 1e39.
        var parsed = JsonNode.Parse("""{"x":-8.32057094923297e+49,"y":1e39}""");
        Assert.Equal("""{"x":-8.32057094923297e+49,"y":1e+39}""", CanonicalJson.Canonicalize(parsed));
        Assert.Equal(CanonicalJson.Canonicalize(new JsonObject { ["x"] = -8.32057094923297e+49, ["y"] = 1e39 }), CanonicalJson.Canonicalize(parsed));
    }

    [Fact]
    public void Rfc8785_sample_canonicalises_to_the_bytes_of_section_3_2_4()
    {
        var expected = Convert.FromHexString(RfcSampleBytes.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(expected, CanonicalJson.CanonicalizeToUtf8(RfcSampleInput));
        Assert.Equal(expected, CanonicalJson.CanonicalizeToUtf8(Encoding.UTF8.GetBytes(RfcSampleInput)));
        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            CanonicalJson.Canonicalize(RfcSampleInput));
    }

    [Fact]
    public void Rfc8785_sorting_example_of_section_3_2_3_orders_by_utf16_code_units()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        using var doc = JsonDocument.Parse(CanonicalJson.Canonicalize(input));
        var values = doc.RootElement.EnumerateObject().Select(p => p.Value.GetString()).ToArray();
        Assert.Equal(
            new[]
            {
                "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
                "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
            },
            values);
        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            CanonicalJson.Canonicalize(input));
    }

    [Theory]
    // RFC 8785 section 3.2.2.3 / appendix B: IEEE 754 bit patterns and their ECMAScript form.
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Rfc8785_number_table(ulong bits, string expected)
    {
        var value = BitConverter.UInt64BitsToDouble(bits);
        Assert.Equal(expected, CanonicalJson.FormatNumber(value));
        // The same value written as JSON text in .NET's round-trip form canonicalises identically.
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"[{expected}]", CanonicalJson.Canonicalize($"[{text}]"));
        Assert.Equal(expected, CanonicalJson.Canonicalize(expected));
    }

    [Theory]
    [InlineData(0x7ff8000000000000UL)]
    [InlineData(0x7ff0000000000000UL)]
    [InlineData(0xfff0000000000000UL)]
    public void Rfc8785_number_table_NaN_and_infinity_have_no_form(ulong bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CanonicalJson.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e10", "0")]
    [InlineData("1.0", "1")]
    [InlineData("100", "100")]
    [InlineData("1e2", "100")]
    [InlineData("1E+2", "100")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e-6", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("-1.25e-10", "-1.25e-10")]
    [InlineData("12.5e3", "12500")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    [InlineData("1E30", "1e+30")]
    [InlineData("0.000000000000000000000000001", "1e-27")]
    [InlineData("1e-400", "0")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("123.456", "123.456")]
    public void Numbers_take_their_ECMAScript_form(string input, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Canonicalize(input));
    }

    [Theory]
    [InlineData("\"\\u0008\\u0009\\u000a\\u000c\\u000d\"", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\"\\u0000\\u0001\\u001f\\u000B\\u001F\"", "\"\\u0000\\u0001\\u001f\\u000b\\u001f\"")]
    [InlineData("\"\\\"\\\\\\/\"", "\"\\\"\\\\/\"")]
    [InlineData("\"\\u0041\\u00e9\\u20AC\"", "\"Aé€\"")]
    [InlineData("\"\\u007f\\u0080\\u2028\\u2029\"", "\"\u007f\u0080\u2028\u2029\"")]
    [InlineData("\"\\ud83d\\ude00 \\uD83D\\uDE00\"", "\"\U0001F600 \U0001F600\"")]
    [InlineData("\"</script>&'\"", "\"</script>&'\"")]
    [InlineData("\"\u00e9\u2028\U0001F600\"", "\"\u00e9\u2028\U0001F600\"")]
    [InlineData("\"\"", "\"\"")]
    public void Strings_use_the_minimal_escaping_of_section_3_2_2_2(string input, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Canonicalize(input));
        Assert.Equal($"{{{expected}:{expected}}}", CanonicalJson.Canonicalize($"{{ {input} : {input} }}"));
    }

    [Theory]
    [InlineData(" { } ", "{}")]
    [InlineData("[ ]", "[]")]
    [InlineData("\t[ null ,true,\r\n false ]\n", "[null,true,false]")]
    [InlineData("[56, {\"d\": true, \"10\": null, \"1\": [ ]}]", "[56,{\"1\":[],\"10\":null,\"d\":true}]")]
    [InlineData("{\"b\":{\"z\":1,\"y\":[{\"k\":2,\"j\":1}]},\"a\":0}", "{\"a\":0,\"b\":{\"y\":[{\"j\":1,\"k\":2}],\"z\":1}}")]
    [InlineData("{\"ab\": 3, \"aa\": 2, \"a\": 1, \"\": 0}", "{\"\":0,\"a\":1,\"aa\":2,\"ab\":3}")]
    [InlineData("{\"\uE000\":2,\"\U0001F600\":1}", "{\"\U0001F600\":1,\"\uE000\":2}")]
    [InlineData("{\"peach\":1,\"péché\":2,\"pêche\":3,\"sin\":4}", "{\"peach\":1,\"péché\":2,\"pêche\":3,\"sin\":4}")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("null", "null")]
    [InlineData("\uFEFF{\"a\":1}", "{\"a\":1}")]
    public void Structures_are_sorted_recursively_and_arrays_keep_their_order(string input, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Canonicalize(input));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "$.a", "duplicate key \"a\"", 1, 8)]
    [InlineData("{\"a\":[0,{\"b\":1,\n\"b\":2}]}", "$.a[1].b", "duplicate key \"b\"", 2, 1)]
    [InlineData("{\"a\":1,\"\\u0061\":2}", "$.a", "duplicate key \"a\"", 1, 8)]
    [InlineData("{\"x y\":{\"k\":1,\"k\":1}}", "$['x y'].k", "duplicate key", 1, 15)]
    [InlineData("[\"ok\",\"\\ud800\"]", "$[1]", "lone surrogate \\ud800", 1, 7)]
    [InlineData("{\"a\":\"x\\udc00y\"}", "$.a", "lone surrogate \\udc00", 1, 6)]
    [InlineData("{\"\\ud83dx\":1}", "$", "lone surrogate \\ud83d", 1, 2)]
    [InlineData("[\"\\ude00\\ud83d\"]", "$[0]", "lone surrogate \\ude00", 1, 2)]
    [InlineData("{\"n\":[1,\n  1e400]}", "$.n[1]", "the number 1e400 is outside the range", 2, 3)]
    [InlineData("-1E+309", "$", "the number -1E+309 is outside the range", 1, 1)]
    public void Rejects_what_cannot_be_canonicalised_saying_where(string input, string path, string problem, int line, int column)
    {
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(input));
        Assert.Equal("VmCanonicalJsonInvalid", ex.ErrorId);
        Assert.Equal(VmErrorKind.InvalidData, ex.Kind);
        Assert.Equal(path, ex.Path);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.NotNull(ex.ByteOffset);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Cannot canonicalise JSON at {path} (line {line}, column {column}", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<VaultMeshException>(ex);
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("   ", "$")]
    [InlineData("{", "$")]
    [InlineData("{\"a\":1,}", "$")]
    [InlineData("[1,2,]", "$[2]")]
    [InlineData("{\"a\": [1, tru]}", "$.a[1]")]
    [InlineData("{\"a\":1} {\"b\":2}", "$")]
    [InlineData("// comment\n1", "$")]
    [InlineData("{'a':1}", "$")]
    [InlineData("[NaN]", "$[0]")]
    [InlineData("[Infinity]", "$[0]")]
    [InlineData("[01]", "$[0]")]
    [InlineData("[1.]", "$[0]")]
    [InlineData("[\"tab\there\"]", "$[0]")]
    [InlineData("{\"a\":{\"b\":\"unterminated}}", "$.a.b")]
    public void Rejects_invalid_json_with_a_location(string input, string path)
    {
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(input));
        Assert.Equal("VmCanonicalJsonInvalid", ex.ErrorId);
        Assert.Equal(path, ex.Path);
        Assert.Contains("invalid JSON", ex.Message, StringComparison.Ordinal);
        if (input.Trim().Length > 0)
        {
            Assert.NotNull(ex.Line);
            Assert.NotNull(ex.Column);
            Assert.Contains("(line ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reports_the_line_of_invalid_json()
    {
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize("{\n  \"a\": 1,\n  \"b\": ]\n}"));
        Assert.Equal(3, ex.Line);
        Assert.Equal("$.b", ex.Path);
    }

    [Fact]
    public void Rejects_lone_surrogates_in_dotnet_strings_with_their_path()
    {
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize("{\"k\":[\"a\uD800b\"]}"));
        Assert.Equal("$.k[0]", ex.Path);
        Assert.Contains("lone surrogate \\ud800", ex.Message, StringComparison.Ordinal);
        var key = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize("{\"\uDFFF\":1}"));
        Assert.Contains("lone surrogate \\udfff", key.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_invalid_utf8_bytes()
    {
        byte[] bad = [(byte)'"', 0xC3, 0x28, (byte)'"'];
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.CanonicalizeToUtf8(bad));
        Assert.Equal("VmCanonicalJsonInvalid", ex.ErrorId);
        byte[] surrogate = [(byte)'[', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)']'];
        var ex2 = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.CanonicalizeToUtf8(surrogate));
        Assert.Contains("lone surrogate \\ud800", ex2.Message, StringComparison.Ordinal);
        Assert.Equal("$[0]", ex2.Path);
    }

    [Fact]
    public void Long_escaped_strings_and_deep_nesting_are_handled()
    {
        var escaped = string.Concat(Enumerable.Repeat("\\u00e9\\n", 500));
        var expected = string.Concat(Enumerable.Repeat("é\\n", 500));
        Assert.Equal($"\"{expected}\"", CanonicalJson.Canonicalize($"\"{escaped}\""));
        // The one depth limit of every VaultMesh JSON reader (JsonLimits.MaxDepth).
        var deep = new string('[', 64) + new string(']', 64);
        Assert.Equal(deep, CanonicalJson.Canonicalize(deep));
        var tooDeep = new string('[', 65) + new string(']', 65);
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(tooDeep));
    }

    [Fact]
    public void Writes_into_a_buffer_writer()
    {
        var output = new ArrayBufferWriter<byte>();
        CanonicalJson.Canonicalize("{\"b\":1,\"a\":2}"u8, output);
        Assert.Equal("{\"a\":2,\"b\":1}"u8.ToArray(), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void JsonElement_overload_still_rejects_duplicate_keys()
    {
        using var doc = JsonDocument.Parse("{\"z\":[1.50,{\"y\":2,\"x\":1}],\"a\":\"\\u0041\"}");
        Assert.Equal("{\"a\":\"A\",\"z\":[1.5,{\"x\":1,\"y\":2}]}", CanonicalJson.Canonicalize(doc.RootElement));
        using var dup = JsonDocument.Parse("{\"a\":1,\"a\":2}");
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(dup.RootElement));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(default(JsonElement)));
    }

    [Fact]
    public void JsonNode_overload_canonicalises_and_checks_values()
    {
        var node = new JsonObject
        {
            ["z"] = 1e21,
            ["a"] = new JsonArray(1, "\u2028", null, true),
            ["m"] = new JsonObject { ["y"] = -0.0, ["x"] = 0.1f },
        };
        Assert.Equal("{\"a\":[1,\"\u2028\",null,true],\"m\":{\"x\":0.1,\"y\":0},\"z\":1e+21}", CanonicalJson.Canonicalize(node));
        Assert.Equal("null", CanonicalJson.Canonicalize((JsonNode?)null));

        var nan = new JsonObject { ["a"] = new JsonArray(1, double.NaN) };
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(nan));
        Assert.Equal("$.a[1]", ex.Path);
        var inf = new JsonObject { ["f"] = float.PositiveInfinity };
        Assert.Equal("$.f", Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(inf)).Path);
        var lone = new JsonObject { ["s"] = new JsonObject { ["t"] = "a\uD800" } };
        var ex2 = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.CanonicalizeToUtf8(lone));
        Assert.Equal("$.s.t", ex2.Path);
        Assert.Contains("lone surrogate", ex2.Message, StringComparison.Ordinal);
        var loneKey = new JsonObject { ["\uDC00"] = 1 };
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(loneKey));
    }

    [Fact]
    public void Sha256_is_the_digest_of_the_canonical_bytes()
    {
        const string json = "{ \"b\": [1.0, \"x\"], \"a\": null }";
        var expected = Sha256Digest.Compute(Encoding.UTF8.GetBytes("{\"a\":null,\"b\":[1,\"x\"]}"));
        Assert.Equal(expected, CanonicalJson.Sha256(json));
        Assert.Equal(expected, CanonicalJson.Sha256(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, CanonicalJson.Sha256(JsonNode.Parse(json)));
        Assert.Equal(CanonicalJson.Sha256("{\"a\":null,\"b\":[1,\"x\"]}"), CanonicalJson.Sha256(json));
        Assert.NotEqual(expected, CanonicalJson.Sha256("{\"a\":null,\"b\":[\"x\",1]}"));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Sha256("{\"a\":1,\"a\":1}"));
    }

    [Fact]
    public void Rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => CanonicalJson.Canonicalize((string)null!));
        Assert.Throws<ArgumentNullException>(() => CanonicalJson.Sha256((string)null!));
        Assert.Throws<ArgumentNullException>(() => CanonicalJson.Canonicalize("1"u8, null!));
    }
}
