using System.Text.RegularExpressions;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Configuration;

/// <summary>Profile names become directory names and TOML keys, so they are kept to a safe alphabet.</summary>
public static partial class ProfileName
{
    /// <summary>The profile used when nothing names one.</summary>
    public const string Fallback = "default";

    /// <summary>Returns the name if valid, else throws <c>VmProfileNameInvalid</c>.</summary>
    public static string Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !Pattern().IsMatch(name))
        {
            throw new VaultMeshException(ConfigurationErrorIds.ProfileNameInvalid, VmErrorKind.InvalidArgument,
                $"Profile name '{name}' is invalid: use 1 to 64 letters, digits, '-' or '_'.", name);
        }
        return name;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\z")]
    private static partial Regex Pattern();
}
