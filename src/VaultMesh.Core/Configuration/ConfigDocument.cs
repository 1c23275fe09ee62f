using System.Globalization;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Configuration;

/// <summary>
/// The parsed <c>config.toml</c>: its syntax tree (kept for comment-preserving writes) and its
/// profiles. A missing file is an empty document; a malformed one throws with file, line and column.
/// </summary>
public sealed class ConfigDocument
{
    /// <summary>Root key naming the profile used when nothing else names one.</summary>
    public const string DefaultProfileKey = "default_profile";

    // Duplicate keys are an error in TOML; the serializer's default would let the last one win.
    private static readonly TomlSerializerOptions StrictOptions = new() { DuplicateKeyHandling = TomlDuplicateKeyHandling.Error };

    private ConfigDocument(string path, bool exists, string text, DocumentSyntax syntax, TomlTable model)
    {
        Path = path;
        Exists = exists;
        Text = text;
        Syntax = syntax;
        if (model.TryGetValue(DefaultProfileKey, out var d))
        {
            var problem = d is not string name ? "must be a profile name in quotes"
                : ProfileNameProblem(name);
            if (problem is not null)
            {
                throw Invalid(path, syntax, [DefaultProfileKey], $"'{DefaultProfileKey}' {problem}.");
            }
            DefaultProfile = (string)d;
        }
        var profiles = new SortedDictionary<string, ProfileSettings>(StringComparer.Ordinal);
        if (model.TryGetValue("profiles", out var p))
        {
            if (p is not TomlTable table)
            {
                throw Invalid(path, syntax, ["profiles"], "'profiles' must be a table of [profiles.<name>] tables.");
            }
            foreach (var (name, value) in table)
            {
                if (value is not TomlTable profileTable)
                {
                    throw Invalid(path, syntax, ["profiles", name], $"'profiles.{name}' must be a table ([profiles.{name}]).");
                }
                var flat = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                Flatten(profileTable, prefix: "", flat);
                if (flat.TryGetValue("data_dir", out var dir) && dir is not null
                    && (dir is string text2 ? SettingRules.DataDirProblem(text2) : "data_dir must be a path string") is { } dirProblem)
                {
                    throw Invalid(path, syntax, ["profiles", name, "data_dir"], $"'profiles.{name}.data_dir': {dirProblem}.");
                }
                profiles[name] = new ProfileSettings(name, flat);
            }
        }
        Profiles = profiles;
    }

    private static string? ProfileNameProblem(string name)
    {
        try
        {
            ProfileName.Validate(name);
            return null;
        }
        catch (VaultMeshException ex)
        {
            return $"is invalid: {ex.Message}";
        }
    }

    // A rule broken by a value: the message names the file, and the line and column of the key.
    private static ConfigurationException Invalid(string path, DocumentSyntax syntax, string[] key, string problem)
    {
        var (line, column) = ConfigLocator.Find(syntax, key);
        return new ConfigurationException(ConfigurationErrorIds.Invalid, path,
            line is null ? $"{path}: {problem}" : string.Create(CultureInfo.InvariantCulture, $"{path}:{line}:{column}: {problem}"), line, column);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Whether the file existed when read.</summary>
    public bool Exists { get; }

    /// <summary>The text as read (empty for a missing file).</summary>
    public string Text { get; }

    /// <summary>The round-trippable syntax tree.</summary>
    internal DocumentSyntax Syntax { get; }

    /// <summary>The <c>default_profile</c> value, if set.</summary>
    public string? DefaultProfile { get; }

    /// <summary>Profiles by name, ordinal order.</summary>
    public IReadOnlyDictionary<string, ProfileSettings> Profiles { get; }

    /// <summary>Reads and validates the file; a missing file yields an empty document.</summary>
    public static ConfigDocument Load(string path)
    {
        string text;
        if (Directory.Exists(path))
        {
            throw new ConfigurationException(ConfigurationErrorIds.Unreadable, path, $"{path}: is a directory, not a config file.");
        }
        bool exists = File.Exists(path);
        try
        {
            text = exists ? File.ReadAllText(path) : string.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(ConfigurationErrorIds.Unreadable, path, $"{path}: cannot be read: {ex.Message}", inner: ex);
        }
        return Parse(path, exists, text);
    }

    /// <summary>Parses text as if read from <paramref name="path"/>.</summary>
    public static ConfigDocument Parse(string path, bool exists, string text)
    {
        DocumentSyntax syntax;
        try
        {
            syntax = SyntaxParser.Parse(text, path, false);
        }
        catch (Exception ex) when (IsTomlFailure(ex))
        {
            throw FromToml(path, text, ex);
        }
        if (syntax.HasErrors)
        {
            var first = syntax.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            var line = first.Span.Start.Line + 1;
            var column = first.Span.Start.Column + 1;
            throw new ConfigurationException(ConfigurationErrorIds.Invalid, path,
                $"{path}:{line}:{column}: invalid TOML: {first.Message}", line, column);
        }
        RejectDuplicates(path, syntax);
        TomlTable model;
        try
        {
            model = TomlSerializer.Deserialize<TomlTable>(text, StrictOptions) ?? new TomlTable();
        }
        catch (Exception ex) when (IsTomlFailure(ex))
        {
            throw FromToml(path, text, ex);
        }
        return new ConfigDocument(path, exists, text, syntax, model);
    }

    // The library reports bad TOML as TomlException, and as ArgumentException when its lexer meets a
    // string escape cut off by the end of the text.
    private static bool IsTomlFailure(Exception ex) => ex is TomlException or ArgumentException;

    private static bool Fails(string text)
    {
        try
        {
            if (SyntaxParser.Parse(text, "config.toml", false).HasErrors)
            {
                return true;
            }
            _ = TomlSerializer.Deserialize<TomlTable>(text, StrictOptions);
            return false;
        }
        catch (Exception ex) when (IsTomlFailure(ex))
        {
            return true;
        }
    }

    private static ConfigurationException FromToml(string path, string text, Exception ex)
    {
        var (line, column) = ex is TomlException { Line: { } l, Column: { } c } ? (l, c) : ConfigLocator.FirstFailingLine(text, Fails);
        var message = ex is TomlException ? ex.Message : "a string escape is cut off or invalid";
        return new ConfigurationException(ConfigurationErrorIds.Invalid, path,
            string.Create(CultureInfo.InvariantCulture, $"{path}:{line}:{column}: invalid TOML: {message}"), line, column, ex);
    }

    // TOML forbids defining a key or a table twice; the model reader would silently keep the last.
    private static void RejectDuplicates(string path, DocumentSyntax syntax)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Define(string name, SyntaxNode node, string what)
        {
            if (!defined.Add(name))
            {
                var line = node.Span.Start.Line + 1;
                var column = node.Span.Start.Column + 1;
                throw new ConfigurationException(ConfigurationErrorIds.Invalid, path,
                    $"{path}:{line}:{column}: invalid TOML: {what} '{name}' is defined twice.", line, column);
            }
        }
        foreach (var kv in syntax.KeyValues)
        {
            Define(KeyPath.Join([], kv.Key!), kv, "key");
        }
        foreach (var table in syntax.Tables)
        {
            var prefix = KeyPath.Parts(table.Name!).ToArray();
            if (table is TableSyntax)
            {
                Define(KeyPath.Join([], table.Name!), table, "table");
            }
            else
            {
                // Each [[array]] element starts a fresh table: its keys are scoped to that element.
                prefix = [.. prefix, "#" + defined.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            }
            foreach (var kv in table.Items)
            {
                Define(KeyPath.Join(prefix, kv.Key!), kv, "key");
            }
        }
    }

    private static void Flatten(TomlTable table, string prefix, IDictionary<string, object?> into)
    {
        foreach (var (key, value) in table)
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            switch (value)
            {
                case TomlTable nested:
                    Flatten(nested, name, into);
                    break;
                case TomlArray array when array.All(i => i is string):
                    into[name] = array.Cast<string>().ToArray();
                    break;
                case TomlArray array:
                    into[name] = array.ToArray();
                    break;
                case TomlDateTime dt:
                    into[name] = dt.ToString();
                    break;
                default:
                    into[name] = value;
                    break;
            }
        }
    }
}
