using System.Text;
using System.Text.RegularExpressions;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>
/// Deterministic mutations of a seed document, as a careless or hostile user makes them: hostile
/// numbers and strings in place of real ones, deep nesting, duplicate keys, truncation, stray bytes.
/// </summary>
internal static partial class Mutator
{
    private static readonly string[] Numbers =
    [
        "1e30", "-1e29", "1e29", "1e400", "-1e400", "1e20", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e-400", "-0", "0.5", "1E+2", "79228162514264337593543950336", "4.9e-324", "1.7976931348623157e308",
    ];

    private static readonly string[] Strings =
    [
        "\"\\ud800\"", "\"\\udfff\"", "\"\\ud800\\ud800\"", "\"\\u0000\"", "\"\"", "\" \"", "\"a\\u0000b\"", "\"\\\\\"",
        "\"0x\"", "\"not-a-date\"", "\"9999-12-31T23:59:60Z\"", "\"sha256:zz\"", "null", "true", "[]", "{}",
    ];

    [GeneratedRegex("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?")]
    private static partial Regex NumberToken();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringToken();

    /// <summary>Applies one to three mutations chosen by <paramref name="seed"/>.</summary>
    public static string Mutate(string text, int seed)
    {
        var random = new Random(seed);
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            text = random.Next(9) switch
            {
                0 => Replace(text, NumberToken(), Numbers[random.Next(Numbers.Length)], random),
                1 => Replace(text, StringToken(), Strings[random.Next(Strings.Length)], random),
                2 => Nest(text, random),
                3 => text.Length == 0 ? text : text[..random.Next(text.Length)],
                4 => text.Insert(random.Next(text.Length + 1), Stray(random)),
                5 => text.Length == 0 ? text : text.Remove(random.Next(text.Length), 1),
                6 => DuplicateKey(text, random),
                7 => Replace(text, StringToken(), "\"" + (char)random.Next(0xD800, 0xE000) + "\"", random),
                _ => Replace(text, NumberToken(), Numbers[random.Next(Numbers.Length)], random),
            };
        }
        return text;
    }

    /// <summary>Wraps a random number or string of the text in 60 to 70 arrays or objects.</summary>
    private static string Nest(string text, Random random)
    {
        var depth = random.Next(60, 71);
        var objects = random.Next(2) == 0;
        var open = objects ? string.Concat(Enumerable.Repeat("{\"k\":", depth)) : new string('[', depth);
        var close = new string(objects ? '}' : ']', depth);
        var matches = StringToken().Matches(text).Concat(NumberToken().Matches(text)).ToList();
        if (matches.Count == 0)
        {
            return open + text + close;
        }
        var m = matches[random.Next(matches.Count)];
        return text[..m.Index] + open + m.Value + close + text[(m.Index + m.Length)..];
    }

    private static string Replace(string text, Regex token, string replacement, Random random)
    {
        var matches = token.Matches(text);
        if (matches.Count == 0)
        {
            return text;
        }
        var m = matches[random.Next(matches.Count)];
        return text[..m.Index] + replacement + text[(m.Index + m.Length)..];
    }

    private static string DuplicateKey(string text, Random random)
    {
        var at = text.IndexOf("\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return text;
        }
        var start = at == 0 ? -1 : text.LastIndexOf('"', at - 1);
        var comma = text.IndexOf(',', at);
        return start < 0 || comma < 0 ? text : text.Insert(comma + 1, text[start..(at + 2)] + "1,");
    }

    private static string Stray(Random random) => random.Next(6) switch
    {
        0 => "\uFEFF",
        1 => "\u0000",
        2 => ((char)random.Next(0xD800, 0xE000)).ToString(),
        3 => "/*c*/",
        4 => ",",
        _ => new string((char)random.Next(0x20, 0x7F), 1),
    };

    /// <summary>TOML-flavoured hostile fragments for configuration files.</summary>
    public static string MutateToml(string text, int seed)
    {
        var random = new Random(seed);
        string[] fragments =
        [
            "\nregion = " + new string('[', random.Next(30, 80)) + new string(']', 1) + "\n",
            "\ndata_dir = \"a\\u0000b\"\n", "\nprofiles = 5\n", "\n[profiles]\nlab = 5\n", "\n[[profiles.lab]]\n",
            "\ndefault_profile = \"bad name!\"\n", "\ndefault_profile = \"\"\n", "\ndefault_profile = 7\n",
            "\n[" + string.Join('.', Enumerable.Range(0, random.Next(10, 3000)).Select(i => "a" + i)) + "]\n",
            "\nx = 99999999999999999999\n", "\nx = 1979-05-27T07:32:00Z\n", "\n[profiles.\"a.b\"]\n", "\nregion = '''\n",
            "\n" + new string('[', random.Next(1, 5)) + "profiles.lab" + new string(']', random.Next(1, 5)) + "\n",
            "\nmetrics_bind = [1, \"a\"]\n", "\ndata_dir = 5\n", "\ndata_dir = \"\"\n", "\u0000", "\uFEFF", "\"",
            "\nregion = \"" + (char)random.Next(0xD800, 0xE000) + "\"\n",
        ];
        var count = random.Next(1, 4);
        var sb = new StringBuilder(text);
        for (var i = 0; i < count; i++)
        {
            var fragment = fragments[random.Next(fragments.Length)];
            sb.Insert(random.Next(2) == 0 ? sb.Length : random.Next(sb.Length + 1), fragment);
        }
        return random.Next(8) == 0 && sb.Length > 0 ? sb.ToString()[..random.Next(sb.Length)] : sb.ToString();
    }
}
