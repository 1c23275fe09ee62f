using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VaultMesh.PowerShell.Completion;

/// <summary>
/// Base of the argument completers: offers the values that start with what was typed, quoted when
/// they need it, reading the profile from the command's own <c>-Profile</c> when one is given.
/// </summary>
public abstract class VmCompleter : IArgumentCompleter
{
    /// <summary>The values to offer for the parameter in the profile (null: the active profile).</summary>
    protected abstract IEnumerable<string> Values(string parameterName, string? profile);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var profile = fakeBoundParameters?["Profile"] is { } p ? (p is PSObject ps ? ps.BaseObject : p).ToString() : null;
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var value in Values(parameterName, string.IsNullOrEmpty(profile) ? null : profile))
        {
            if (value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            {
                var text = value.Any(c => char.IsWhiteSpace(c) || "'\"`$;,(){}@#|&<>".Contains(c))
                    ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'"
                    : value;
                yield return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
            }
        }
    }
}
