using System.Management.Automation;
using VaultMesh.Core.Errors;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// The wildcard parameters of the cmdlets (<c>-Name</c> filters, <c>-Path</c>): a pattern PowerShell cannot
/// parse (<c>[</c>, <c>a[</c>) is a <c>VmWildcardInvalid</c> error naming the parameter, found before any
/// work is done, never a raw <see cref="WildcardPatternException"/> at the first comparison.
/// </summary>
internal static class WildcardFilter
{
    /// <summary>The error id of a pattern that is not valid wildcard syntax (public API, pinned by tests).</summary>
    public const string InvalidErrorId = "VmWildcardInvalid";

    /// <summary>The case-insensitive pattern of <paramref name="pattern"/>, null when it is null.</summary>
    /// <exception cref="VaultMeshException"><c>VmWildcardInvalid</c>.</exception>
    public static WildcardPattern? Create(string? pattern, string parameter)
    {
        if (pattern is null)
        {
            return null;
        }
        var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
        if (Problem(wildcard, pattern, parameter) is { } problem)
        {
            throw problem;
        }
        return wildcard;
    }

    /// <summary>The <c>VmWildcardInvalid</c> error of <paramref name="pattern"/>, or null when it parses.</summary>
    public static VaultMeshException? Problem(string pattern, string parameter) =>
        Problem(WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase), pattern, parameter);

    private static VaultMeshException? Problem(WildcardPattern wildcard, string pattern, string parameter)
    {
        try
        {
            // WildcardPattern parses lazily, on its first comparison.
            wildcard.IsMatch(string.Empty);
            return null;
        }
        catch (WildcardPatternException ex)
        {
            return new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidArgument,
                $"-{parameter} '{pattern}' is not a valid wildcard pattern ({ex.Message.TrimEnd('.')}); " +
                "write a literal [ or ] as `[ or `].", pattern, ex);
        }
    }
}
