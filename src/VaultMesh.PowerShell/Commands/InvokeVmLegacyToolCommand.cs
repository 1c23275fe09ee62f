using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Legacy;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmLegacyTool cmdlet; its help is docs/en-US/Invoke-VmLegacyTool.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmLegacyTool", SupportsShouldProcess = true)]
[OutputType(typeof(LegacyToolResult))]
public sealed class InvokeVmLegacyToolCommand : VaultMeshCmdlet
{
    /// <summary>The tool: spawn.sh, remembrancer or health-check.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The tool's own arguments, passed as they are.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [AllowEmptyCollection]
    public string[] ArgumentList { get; set; } = [];

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var directory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        if (!ShouldProcess($"{Name} {string.Join(' ', ArgumentList)} in {directory}", "Run legacy tool"))
        {
            return;
        }
        var result = LegacyTool.RunAsync(Name, ArgumentList, directory, Profile, CancellationToken).GetAwaiter().GetResult();
        WriteVerbose($"{string.Join(' ', result.Command)}: exit code {result.ExitCode}");
        WriteObject(result);
        if (result.ExitCode != 0)
        {
            // As upstream's CLI: the action is not ok unless the tool exits 0, so `vm` exits 1.
            var (id, kind) = result.ExitCode == LegacyTool.NotFoundExitCode
                ? ("VmLegacyToolMissing", VmErrorKind.NotFound)
                : ("VmLegacyToolFailed", VmErrorKind.InvalidOperation);
            WriteVmError(new VaultMeshException(id, kind,
                $"'{string.Join(' ', result.Command)}' exited with {result.ExitCode}: {result.StdErr}", Name));
        }
    }
}
