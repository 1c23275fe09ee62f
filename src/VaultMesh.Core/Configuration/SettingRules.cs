using System.Collections;

namespace VaultMesh.Core.Configuration;

/// <summary>
/// What a setting key and value must be before they are written to config.toml, and what a
/// <c>data_dir</c> must be wherever it comes from. Each rule returns the problem in words, or null.
/// </summary>
internal static class SettingRules
{
    /// <summary>The problem with a dotted setting key, or null.</summary>
    public static string? KeyProblem(string key)
    {
        if (key.Length == 0)
        {
            return "the key is empty";
        }
        if (key.Split('.').Any(p => p.Length == 0))
        {
            return "the key has an empty part (a leading, trailing or doubled '.'); nested settings are written 'rails.tsa.url'";
        }
        if (key.Any(char.IsControl))
        {
            return "the key holds a control character";
        }
        if (key.Any(char.IsSurrogate) && !IsUnicode(key))
        {
            return "the key holds a lone surrogate (it is not a Unicode character)";
        }
        return null;
    }

    /// <summary>The problem with a value for <paramref name="key"/>, or null. Null values (removal) are fine.</summary>
    public static string? ValueProblem(string key, object? value)
    {
        if (value is null)
        {
            return null;
        }
        if (key == "data_dir")
        {
            return value is string dir ? DataDirProblem(dir) : $"data_dir must be a path string; it is a {value.GetType().Name}";
        }
        if (SettingCatalog.Find(key)?.Type == SettingCatalog.VariableName)
        {
            // Never echo the value: it is most likely the secret itself, pasted where its name belongs.
            return value is string name && IsVariableName(name) ? null
                : $"{key} names the environment variable that holds the secret; the value given is not a variable name "
                  + "(letters, digits and '_', not starting with a digit, and not a run of hex digits such as a key), "
                  + "and the secret itself never goes in config.toml";
        }
        if (key == Tiles.TilePublisher.PublishDirectoryKey)
        {
            return value is string publish && !string.IsNullOrWhiteSpace(publish) && !publish.Contains('\0', StringComparison.Ordinal)
                ? null
                : $"{key} must be a non-empty directory path string; it is " +
                  $"{(value is string ? "empty or holds a NUL" : "a " + value.GetType().Name)}";
        }
        if (LogListEntry.SettingProblem(key, value) is { } logProblem)
        {
            return logProblem;
        }
        return TypeProblem(value);
    }

    /// <summary>The problem with a data directory path, or null.</summary>
    public static string? DataDirProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "data_dir is empty";
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "data_dir holds a NUL character, which no file system path can";
        }
        try
        {
            _ = Path.GetFullPath(path, Path.GetTempPath());
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"data_dir is not a usable path: {ex.Message}";
        }
    }

    private static string? TypeProblem(object value) => value switch
    {
        string s when s.Contains('\0', StringComparison.Ordinal) => "the text holds a NUL character",
        string s when !IsUnicode(s) => "the text holds a lone surrogate (it is not a Unicode character)",
        string or bool or byte or sbyte or short or ushort or int or uint or long => null,
        double d when !double.IsFinite(d) => "NaN and infinity are not setting values",
        float f when !float.IsFinite(f) => "NaN and infinity are not setting values",
        double or float => null,
        IDictionary => "a table is not a value; write nested settings as dotted keys ('rails.tsa.url')",
        IEnumerable list => list.Cast<object?>().Select(i => i is null ? "an array holds a null" : TypeProblem(i)).FirstOrDefault(p => p is not null),
        _ => $"a {value.GetType().Name} is not a setting value; use text, a boolean, a whole number, a finite number or an array of them",
    };

    // A long run of hex digits is a key or a hash, whatever its first character: no variable is named so.
    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !(name.Length >= 32 && name.All(char.IsAsciiHexDigit));

    private static bool IsUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
