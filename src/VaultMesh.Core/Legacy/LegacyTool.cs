using System.Diagnostics;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Legacy;

/// <summary>
/// Runs the upstream bash tools that runbooks still call (<c>spawn.sh</c>, <c>ops/bin/remembrancer</c>,
/// <c>ops/bin/health-check</c>) from a working directory, as upstream's CLI did: the tool's exit code
/// and trimmed output come back, and a missing tool is exit code 127 rather than an exception.
/// </summary>
public static class LegacyTool
{
    /// <summary>The tools this runner knows, with their path relative to the working directory.</summary>
    public static IReadOnlyDictionary<string, string> Tools { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["spawn.sh"] = "spawn.sh",
        ["remembrancer"] = "ops/bin/remembrancer",
        ["health-check"] = "ops/bin/health-check",
    };

    /// <summary>Exit code of a missing tool, as a shell reports it.</summary>
    public const int NotFoundExitCode = 127;

    /// <summary>
    /// Runs <paramref name="name"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>
    /// under bash. <paramref name="profile"/>, when given, is passed as VAULTMESH_PROFILE. An unknown tool
    /// name is <c>VmLegacyToolUnknown</c>; cancellation kills the tool.
    /// </summary>
    public static async Task<LegacyToolResult> RunAsync(string name, IReadOnlyList<string> arguments, string workingDirectory,
        string? profile, CancellationToken cancellationToken)
    {
        if (!Tools.TryGetValue(name, out var relative))
        {
            throw new VaultMeshException(LegacyErrorIds.ToolUnknown, VmErrorKind.InvalidArgument,
                $"Unknown legacy tool '{name}'; known tools: {string.Join(", ", Tools.Keys)}.", name);
        }
        var command = new List<string> { "bash", relative };
        command.AddRange(arguments);
        if (!File.Exists(Path.Combine(workingDirectory, relative)))
        {
            return new LegacyToolResult(command, NotFoundExitCode, "", $"command not found: {relative} (in {workingDirectory})");
        }
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var word in command.Skip(1))
        {
            start.ArgumentList.Add(word);
        }
        if (profile is not null)
        {
            start.Environment["VAULTMESH_PROFILE"] = profile;
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new LegacyToolResult(command, NotFoundExitCode, "", "command not found: bash");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new LegacyToolResult(command, process.ExitCode, (await stdout.ConfigureAwait(false)).Trim(),
                (await stderr.ConfigureAwait(false)).Trim());
        }
    }
}
