namespace VaultMesh.Core.Legacy;

/// <summary>What a legacy tool did, in the shape upstream's CLI returned: command, exit code, output.</summary>
public sealed class LegacyToolResult
{
    internal LegacyToolResult(IReadOnlyList<string> command, int exitCode, string stdOut, string stdErr)
    {
        Command = command;
        ExitCode = exitCode;
        StdOut = stdOut;
        StdErr = stdErr;
    }

    /// <summary>The command line run (program first).</summary>
    public IReadOnlyList<string> Command { get; }
    /// <summary>The tool's exit code; 127 when the tool is missing.</summary>
    public int ExitCode { get; }
    /// <summary>Standard output, trimmed.</summary>
    public string StdOut { get; }
    /// <summary>Standard error, trimmed.</summary>
    public string StdErr { get; }
}
