namespace VaultMesh.Core.Cli;

/// <summary>Output formats of <c>vm</c>.</summary>
public enum OutputFormat
{
    /// <summary>One JSON envelope document (default).</summary>
    Json,
    /// <summary>A human table.</summary>
    Table,
}

/// <summary>A command line that fits the grammar: either help to print, or a verb to run with bound parameters.</summary>
public sealed class ParsedCommandLine
{
    internal ParsedCommandLine(VerbSpec? verb, IReadOnlyDictionary<string, object> parameters, string? profile, OutputFormat format, string? help)
    {
        Verb = verb;
        Parameters = parameters;
        Profile = profile;
        Format = format;
        HelpText = help;
    }

    /// <summary>The verb to run; null when help was asked for.</summary>
    public VerbSpec? Verb { get; }

    /// <summary>Cmdlet parameters by name: string, long, bool, string[], or a string dictionary; flags are true.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>The <c>--profile</c> value, if given.</summary>
    public string? Profile { get; }

    /// <summary>The output format.</summary>
    public OutputFormat Format { get; }

    /// <summary>Help to print instead of running, if asked for.</summary>
    public string? HelpText { get; }

    /// <summary>The verb whose help was asked for (<c>vm help &lt;domain&gt; &lt;verb&gt;</c>), so its cmdlet's full help can follow.</summary>
    public VerbSpec? HelpVerb { get; init; }
}
