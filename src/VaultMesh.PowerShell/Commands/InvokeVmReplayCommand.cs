using System.Management.Automation;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Replay;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmReplay cmdlet; its help is docs/en-US/Invoke-VmReplay.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmReplay")]
[OutputType(typeof(ReplayResult))]
public sealed class InvokeVmReplayCommand : VaultMeshCmdlet
{
    /// <summary>Error id of a replay whose evidence does not hold while VERIFY_ENFORCE is on.</summary>
    public const string FailedErrorId = "VmReplayFailed";

    private ReplayService? _service;
    private string? _leaves;

    /// <summary>Batch manifest files; wildcards allowed. Binds FullName from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>The batch's leaves: one leaf hash per line (hex), or NDJSON leaf documents.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? LeafPath { get; set; }

    /// <summary>Rank receipts by the status they claim instead of verifying them (lab work); refused while VERIFY_ENFORCE is on.</summary>
    [Parameter]
    public SwitchParameter TrustClaims { get; set; }

    private ConflictResolverOptions? _options;

    /// <inheritdoc />
    protected override void OnBegin()
    {
        WriteContextWarnings();
        // No clock: replay's output is a function of the manifest, the leaves and the trust inputs only.
        _options = Services.ResolverOptions(TrustClaims, clock: null);
        _service = new ReplayService(_options);
        if (LeafPath is not null)
        {
            var leafFiles = ResolveFilePaths(LeafPath);
            if (leafFiles.Count != 1)
            {
                throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound,
                    $"-LeafPath must name exactly one file: {LeafPath}", LeafPath);
            }
            _leaves = leafFiles[0];
        }
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var enforce = Context.KillSwitches.VerifyEnforce.Enabled;
        foreach (var path in Path)
        {
            foreach (var file in ResolveFilePaths(path))
            {
                CancellationToken.ThrowIfCancellationRequested();
                ReplayResult result;
                try
                {
                    WriteVerbose($"Replaying {file}{(_leaves is null ? string.Empty : " against " + _leaves)}");
                    result = _service!.ReplayFile(file, _leaves, enforce, CancellationToken);
                }
                catch (VaultMeshException ex)
                {
                    WriteVmError(ex);
                    continue;
                }
                foreach (var reason in result.Reasons)
                {
                    WriteVerbose($"{file}: {reason}");
                }
                WriteObject(result);
                if (result.Ok)
                {
                    continue;
                }
                WriteVerificationFailure(Services.Failure(FailedErrorId,
                    $"Replay of {file} failed: {string.Join("; ", result.Reasons.Take(3))}" +
                    $"{(result.Reasons.Count > 3 ? $" ... and {result.Reasons.Count - 3} more" : string.Empty)}",
                    file));
            }
        }
    }

    /// <inheritdoc />
    protected override void OnEnd() => (_options?.Verifier as IDisposable)?.Dispose();
}
