using Tomlyn.Syntax;

namespace VaultMesh.Core.Configuration;

/// <summary>Finds where in config.toml a key is defined, so that every error can name its line and column.</summary>
internal static class ConfigLocator
{
    /// <summary>
    /// The 1-based line and column of the key, table header or array-of-tables header that defines
    /// <paramref name="key"/> (or, failing that, the first one inside it); nulls when none does.
    /// </summary>
    public static (int? Line, int? Column) Find(DocumentSyntax syntax, IReadOnlyList<string> key)
    {
        SyntaxNode? inside = null;
        foreach (var kv in syntax.KeyValues)
        {
            if (Match(KeyPath.Parts(kv.Key!).ToList(), key, kv, ref inside) is { } exact)
            {
                return At(exact);
            }
        }
        foreach (var table in syntax.Tables)
        {
            var prefix = KeyPath.Parts(table.Name!).ToList();
            if (Match(prefix, key, table, ref inside) is { } header)
            {
                return At(header);
            }
            foreach (var kv in table.Items)
            {
                if (Match([.. prefix, .. KeyPath.Parts(kv.Key!)], key, kv, ref inside) is { } exact)
                {
                    return At(exact);
                }
            }
        }
        return inside is null ? (null, null) : At(inside);
    }

    /// <summary>
    /// The first line whose text, with the lines before it, already fails to parse: the location of
    /// an error the parser reported without one (1-based line, column 1).
    /// </summary>
    public static (int Line, int Column) FirstFailingLine(string text, Func<string, bool> fails)
    {
        var lines = text.Split('\n');
        int low = 1, high = lines.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (fails(string.Join('\n', lines[..mid])))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return (low, 1);
    }

    private static SyntaxNode? Match(List<string> full, IReadOnlyList<string> key, SyntaxNode node, ref SyntaxNode? inside)
    {
        if (full.Count >= key.Count && full.Take(key.Count).SequenceEqual(key, StringComparer.Ordinal))
        {
            if (full.Count == key.Count)
            {
                return node;
            }
            inside ??= node;
        }
        return null;
    }

    private static (int? Line, int? Column) At(SyntaxNode node) => (node.Span.Start.Line + 1, node.Span.Start.Column + 1);
}
