using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tomlyn.Parsing;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using Tomlyn.Syntax;

namespace VaultMesh.Core.Configuration;

/// <summary>
/// Merges settings into <c>config.toml</c> by editing its syntax tree, so that other profiles,
/// unknown keys and comments survive. The write is atomic (temp file, fsync, rename) and the file
/// is created owner-read/write only. A file that does not parse is never written.
/// </summary>
public static partial class ConfigWriter
{
    /// <summary>Error id of a setting key or value that cannot be written; nothing is written.</summary>
    public const string SettingInvalidErrorId = ConfigurationErrorIds.SettingInvalid;

    /// <summary>
    /// Sets (or, with a null value, removes) dotted keys in one profile and optionally the root
    /// <c>default_profile</c>. Returns the document as re-read after the write.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmConfigurationSettingInvalid</c> (a key or value that cannot be
    /// written; nothing is written), <c>VmProfileNameInvalid</c>, or a <see cref="ConfigurationException"/> for the
    /// file.</exception>
    public static ConfigDocument Write(string path, string profile, IReadOnlyDictionary<string, object?> values, string? defaultProfile = null)
    {
        ProfileName.Validate(profile);
        foreach (var (key, value) in values)
        {
            if ((SettingRules.KeyProblem(key) ?? SettingRules.ValueProblem(key, value)) is { } problem)
            {
                throw new VaultMeshException(SettingInvalidErrorId, VmErrorKind.InvalidArgument,
                    $"Setting '{Printable(key)}' of profile '{profile}' cannot be written: {problem}. Nothing was written to {path}.", key);
            }
        }
        var current = ConfigDocument.Load(path);
        var syntax = current.Syntax;
        foreach (var (key, value) in values)
        {
            SetProfileValue(syntax, profile, SplitKey(key), value);
        }
        if (defaultProfile is not null)
        {
            SetRootValue(syntax, ConfigDocument.DefaultProfileKey, ProfileName.Validate(defaultProfile));
        }
        if (!current.Profiles.ContainsKey(profile) && values.Count == 0)
        {
            FindOrCreateTable(syntax, ["profiles", profile]);
        }
        var text = syntax.ToString();
        // Re-validate before touching the disk: an edit must never produce a file we cannot read.
        var updated = ConfigDocument.Parse(path, true, text);
        WriteAtomically(path, text);
        return updated;
    }

    /// <summary>Writes text to a temp file beside <paramref name="path"/> with mode 0600, then renames it over.</summary>
    public static void WriteAtomically(string path, string text)
    {
        PrivateDirectory.Ensure(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, new UTF8Encoding(false).GetBytes(text), overwrite: true, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string[] SplitKey(string key)
    {
        var parts = key.Split('.');
        if (parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"Setting key '{key}' has an empty part.", nameof(key));
        }
        return parts;
    }

    private static void SetProfileValue(DocumentSyntax doc, string profile, string[] key, object? value)
    {
        string[] full = ["profiles", profile, .. key];
        // An existing key may be written under any table header that is a prefix of its path.
        for (var depth = full.Length - 1; depth >= 2; depth--)
        {
            var table = FindTable(doc, full[..depth]);
            if (table is null)
            {
                continue;
            }
            var rest = full[depth..];
            for (var i = 0; i < table.Items.ChildrenCount; i++)
            {
                var kv = table.Items.GetChild(i)!;
                if (KeyPath.Parts(kv.Key!).SequenceEqual(rest, StringComparer.Ordinal))
                {
                    if (value is null)
                    {
                        table.Items.RemoveChildAt(i);
                    }
                    else
                    {
                        ReplaceValue(kv, value);
                    }
                    return;
                }
            }
        }
        if (value is null)
        {
            return;
        }
        // New key: append it under the deepest existing table header on its path, so the result
        // never defines the same table twice.
        for (var depth = full.Length - 1; depth > 2; depth--)
        {
            var table = FindTable(doc, full[..depth]);
            if (table is not null)
            {
                table.Items.Add(NewKeyValue(full[depth..], value));
                return;
            }
        }
        FindOrCreateTable(doc, full[..2]).Items.Add(NewKeyValue(full[2..], value));
    }

    private static void SetRootValue(DocumentSyntax doc, string key, object value)
    {
        foreach (var kv in doc.KeyValues)
        {
            if (KeyPath.Parts(kv.Key!).SequenceEqual([key]))
            {
                ReplaceValue(kv, value);
                return;
            }
        }
        doc.KeyValues.Add(NewKeyValue([key], value));
    }

    private static TableSyntax? FindTable(DocumentSyntax doc, string[] path)
    {
        foreach (var t in doc.Tables)
        {
            if (t is TableSyntax table && KeyPath.Parts(table.Name!).SequenceEqual(path, StringComparer.Ordinal))
            {
                return table;
            }
        }
        return null;
    }

    private static TableSyntax FindOrCreateTable(DocumentSyntax doc, string[] path)
    {
        var existing = FindTable(doc, path);
        if (existing is not null)
        {
            return existing;
        }
        var snippet = SyntaxParser.Parse($"\n[{FormatKey(path)}]\n", "config.toml", false);
        var table = (TableSyntax)snippet.Tables.GetChild(0)!;
        snippet.Tables.RemoveChildAt(0);
        EnsureTrailingNewline(doc);
        doc.Tables.Add(table);
        return table;
    }

    private static void EnsureTrailingNewline(DocumentSyntax doc)
    {
        var text = doc.ToString();
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            // Without a final newline the next header would join the previous line.
            var last = doc.Tables.ChildrenCount > 0
                ? (SyntaxNode)doc.Tables.GetChild(doc.Tables.ChildrenCount - 1)!
                : doc.KeyValues.GetChild(doc.KeyValues.ChildrenCount - 1)!;
            last.TrailingTrivia ??= [];
            last.TrailingTrivia.Add(SyntaxFactory.NewLineTrivia());
        }
    }

    private static void ReplaceValue(KeyValueSyntax kv, object value)
    {
        var carrier = NewKeyValue(["x"], value);
        var fresh = carrier.Value!;
        // A node belongs to one parent: detach it from the snippet before moving it.
        carrier.Value = null;
        var old = kv.Value!;
        // Trivia (the space after '=', a trailing comment) lives on the outer tokens of the value.
        var (oldFirst, oldLast) = (EdgeToken(old, first: true), EdgeToken(old, first: false));
        var (newFirst, newLast) = (EdgeToken(fresh, first: true), EdgeToken(fresh, first: false));
        if (oldFirst is not null && newFirst is not null)
        {
            newFirst.LeadingTrivia = oldFirst.LeadingTrivia;
        }
        if (oldLast is not null && newLast is not null)
        {
            newLast.TrailingTrivia = oldLast.TrailingTrivia;
        }
        kv.Value = fresh;
    }

    private static SyntaxNode? EdgeToken(SyntaxNode node, bool first)
    {
        var count = node.ChildrenCount;
        if (count == 0)
        {
            return node;
        }
        for (var k = 0; k < count; k++)
        {
            var child = node.GetChild(first ? k : count - 1 - k);
            if (child is not null && EdgeToken(child, first) is { } token)
            {
                return token;
            }
        }
        return null;
    }

    private static KeyValueSyntax NewKeyValue(string[] key, object value)
    {
        var snippet = SyntaxParser.Parse($"{FormatKey(key)} = {FormatValue(value)}\n", "config.toml", false);
        if (snippet.HasErrors || snippet.KeyValues.ChildrenCount != 1)
        {
            throw new ArgumentException($"Value for '{string.Join('.', key)}' cannot be written as TOML.", nameof(value));
        }
        var kv = snippet.KeyValues.GetChild(0)!;
        snippet.KeyValues.RemoveChildAt(0);
        return kv;
    }

    private static string FormatKey(IEnumerable<string> parts) =>
        string.Join('.', parts.Select(p => BareKey().IsMatch(p) ? p : Quote(p)));

    private static string FormatValue(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or byte or uint or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
        float f when float.IsFinite(f) => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(FormatValue)) + "]",
        _ => throw new ArgumentException($"Unsupported setting value type {value.GetType().Name}.", nameof(value)),
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ' or '\u007f': sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Printable(string key) => string.Concat(key.Select(c =>
        char.IsControl(c) || char.IsSurrogate(c)
            ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)
            : c.ToString()));

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\z")]
    private static partial Regex BareKey();
}
