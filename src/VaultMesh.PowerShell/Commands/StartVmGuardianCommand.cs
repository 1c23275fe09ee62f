using System.Management.Automation;
using System.Runtime.InteropServices;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Services;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Start-VmGuardian cmdlet; its help is docs/en-US/Start-VmGuardian.md.</summary>
[Cmdlet(VerbsLifecycle.Start, "VmGuardian", SupportsShouldProcess = true)]
[OutputType(typeof(GuardianRun))]
public sealed class StartVmGuardianCommand : VaultMeshCmdlet
{
    /// <summary>host:port to listen on (else VAULTMESH_LISTEN, else the profile's guardian.listen, else 127.0.0.1:9110).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Listen { get; set; }

    /// <summary>Seconds between syncs of every peer (default 0: sync only a peer that announces).</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int SyncIntervalSeconds { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var listen = GuardianSettings.ResolveListen(Listen, Context);
        if (!ShouldProcess($"guardian of profile '{Context.Profile}' on {listen}", "Start"))
        {
            return;
        }
        WriteContextWarnings();
        var key = IdentityRecord.Load(Context);
        var settings = new GuardianSettings { Listen = listen, SyncInterval = TimeSpan.FromSeconds(SyncIntervalSeconds) };
        var started = DateTimeOffset.UtcNow;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        using var pump = new PipelinePump();
        using var sigterm = RegisterSigterm(stop);
        var service = Services.Guardian(key, settings, entry => pump.Post(() => Log(entry)));
        _ = pump.Run(async () =>
        {
            await service.RunAsync(url =>
            {
                Core.Http.ServiceReadiness.NotifyReady($"Guardian of profile '{Context.Profile}' listening on {url}");
                pump.Post(() => WriteVerbose($"Listening on {url}"));
            }, stop.Token).ConfigureAwait(false);
            Core.Http.ServiceReadiness.NotifyStopping();
            return true;
        });
        WriteObject(new GuardianRun(Context.Profile, listen, DidKey.Format(key.PublicKey), started, DateTimeOffset.UtcNow));
    }

    private static PosixSignalRegistration? RegisterSigterm(CancellationTokenSource stop)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                // Stop like Ctrl+C does instead of letting the runtime exit under a running sync.
                context.Cancel = true;
                stop.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    private void Log(FederationLogEntry entry)
    {
        var line = $"{UtcTimestamp()} {entry.Level.ToString().ToLowerInvariant()} {entry.Event}: {entry.Message}";
        switch (entry.Level)
        {
            case FederationLogLevel.Error:
                WriteVmError(new VaultMeshException(FederationErrorIds.PeerQuarantined, VmErrorKind.SecurityError, line));
                break;
            case FederationLogLevel.Warning:
                WriteWarning(line);
                break;
            default:
                WriteVerbose(line);
                break;
        }
    }

    private static string UtcTimestamp() => Core.UtcTimestamp.Format(DateTimeOffset.UtcNow);
}
