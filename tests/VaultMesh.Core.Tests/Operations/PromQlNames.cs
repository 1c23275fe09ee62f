using System.Text.RegularExpressions;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>
/// The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
/// grouping clauses, function calls, keywords and numbers are taken out. Enough for the queries of the
/// rules file and the dashboard, which must name only metrics a node exports.
/// </summary>
internal static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    public static IReadOnlySet<string> Of(string expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        // label_values(metric, label): the label is not a metric.
        var text = LabelValues().Replace(expr, m => m.Groups[1].Value);
        text = Strings().Replace(text, " ");
        text = Matchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifiers().Matches(text))
        {
            var rest = text.AsSpan(m.Index + m.Length).TrimStart();
            if (!Keywords.Contains(m.Value) && !(rest.Length > 0 && rest[0] == '(') && !m.Value.StartsWith('$'))
            {
                names.Add(m.Value);
            }
        }
        return names;
    }

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s*,\s*[a-zA-Z_]+\s*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // Not after a digit or a dot: the unit of "1h" or the exponent of "1e3" is no name.
    [GeneratedRegex(@"(?<![\w:.$])\$?[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
