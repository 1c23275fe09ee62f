using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Services;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Sync-VmFederation cmdlet; its help is docs/en-US/Sync-VmFederation.md.</summary>
[Cmdlet(VerbsData.Sync, "VmFederation", SupportsShouldProcess = true)]
[OutputType(typeof(PeerSyncResult))]
public sealed class SyncVmFederationCommand : VaultMeshCmdlet
{
    private readonly List<string> _names = [];

    /// <summary>Only these peers (default: every peer of the profile); binds from Get-VmPeer.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Peers synced at once (default 4).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <inheritdoc />
    protected override void OnProcess()
    {
        if (Name is not null)
        {
            _names.AddRange(Name);
        }
    }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        WriteContextWarnings();
        var all = FederationPeer.FromProfile(Context.Settings);
        foreach (var missing in _names.Where(n => all.All(p => p.Name != n)))
        {
            WriteVmError(new VaultMeshException(FederationErrorIds.PeerNotFound, VmErrorKind.NotFound,
                $"Profile '{Context.Profile}' has no peer '{missing}'.", missing));
        }
        var peers = _names.Count == 0 ? all : all.Where(p => _names.Contains(p.Name)).ToList();
        if (!Context.KillSwitches.Federation.Enabled)
        {
            throw FederationClient.Disabled(Context.KillSwitches);
        }
        if (peers.Count == 0 || !ShouldProcess(
            $"{peers.Count} peer(s) of profile '{Context.Profile}': {string.Join(", ", peers.Select(p => p.Name))}",
            "Sync"))
        {
            return;
        }
        var key = IdentityRecord.Load(Context);
        var options = new FederationOptions { MaxConcurrency = ThrottleLimit };
        using var pump = new PipelinePump();
        using var client = Services.FederationClient(key, options);
        var records = new Dictionary<string, ProgressRecord>(StringComparer.Ordinal);
        var progress = new SynchronousProgress<FederationProgress>(p => pump.Post(() =>
        {
            if (!records.TryGetValue(p.Peer, out var record))
            {
                records[p.Peer] = record = new ProgressRecord(records.Count + 1, $"Sync {p.Peer}", p.Stage);
            }
            record.StatusDescription = p.Stage;
            record.PercentComplete = p.Total == 0 ? 100 : (int)Math.Clamp(100 * p.Done / p.Total, 0, 100);
            record.RecordType = p.Stage == "done" ? ProgressRecordType.Completed : ProgressRecordType.Processing;
            WriteProgress(record);
        }));
        var sync = Services.FederationSync(client, options, entry => pump.Post(() => Log(entry)));
        var results = pump.Run(() => sync.SyncAsync(peers, progress, CancellationToken));
        foreach (var result in results)
        {
            WriteObject(result);
            if (result.Outcome == PeerSyncOutcome.Quarantined)
            {
                WriteVmError(new VaultMeshException(FederationErrorIds.PeerQuarantined, VmErrorKind.SecurityError,
                    $"Peer {result.Name} is quarantined: {string.Join(" ", result.Problems)}", result.Name));
            }
            else if (result.Outcome == PeerSyncOutcome.Failed)
            {
                WriteVmError(new VaultMeshException("VmFederationSyncFailed", VmErrorKind.InvalidOperation,
                    $"Sync of peer {result.Name} failed: {string.Join(" ", result.Problems)}", result.Name));
            }
        }
    }

    private void Log(FederationLogEntry entry)
    {
        if (entry.Level == FederationLogLevel.Information)
        {
            WriteVerbose(entry.Message);
        }
        else if (entry.Level == FederationLogLevel.Warning && entry.Event != "sync-failed")
        {
            WriteWarning(entry.Message);
        }
    }
}
