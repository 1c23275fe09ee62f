using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Services;
using VaultMesh.Core.Store;

using VaultMesh.PowerShell.Completion;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Base of the cmdlets that work on a profile: adds <c>-Profile</c> and hands out the profile's
/// services (<see cref="ProfileServices"/>: store, memories, sealer, anchors, rails, validator), each
/// built on first use and disposed with the cmdlet.
/// </summary>
public abstract class VaultMeshCmdlet : CancellableCmdlet
{
    private ProfileServices? _services;

    /// <summary>Profile to use; else VAULTMESH_PROFILE, else the config file's default_profile, else 'default'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public virtual string? Profile { get; set; }

    /// <summary>The profile's services, resolved on first use.</summary>
    protected ProfileServices Services => _services ??= new ProfileServices(VaultMeshContext.Resolve(Profile));

    /// <summary>The resolved context.</summary>
    protected VaultMeshContext Context => Services.Context;

    /// <summary>The active profile's store.</summary>
    protected VaultStore Store => Services.Store;

    /// <summary>The anchoring rails the active profile configures.</summary>
    protected AnchorRails Rails => Services.Rails;

    /// <summary>Warns once when Redis could not be reached during the command.</summary>
    protected void WriteRedisWarnings()
    {
        if (_services is { RedisOutages: > 0 } services)
        {
            WriteWarning(
                $"Redis at '{services.Redis?.Configuration}' could not be reached {services.RedisOutages} " +
                "time(s); submission waited for the lock rather than risk a double anchor.");
        }
    }

    /// <summary>Releases what a cmdlet holds beyond the store; runs before the store is closed.</summary>
    protected virtual void OnDispose() { }

    /// <summary>Writes the kill-switch warnings of the context once, and the effective VERIFY_ENFORCE as verbose output.</summary>
    protected void WriteContextWarnings()
    {
        foreach (var sw in Context.KillSwitches.All)
        {
            if (sw.Warning is not null)
            {
                WriteWarning(sw.Warning);
            }
        }
        var enforce = Context.KillSwitches.VerifyEnforce;
        WriteVerbose($"VERIFY_ENFORCE is {(enforce.Enabled ? "on" : "off")} ({enforce.Source}).");
        foreach (var warning in Context.Warnings)
        {
            WriteWarning(warning);
        }
    }

    /// <summary>Writes a failed verification as the error or the warning its severity says.</summary>
    protected void WriteVerificationFailure(VerificationFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.Severity == VerificationSeverity.Error)
        {
            WriteVmError(failure.ToException());
        }
        else
        {
            WriteWarning(failure.Text);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            OnDispose();
            _services?.Dispose();
        }
        base.Dispose(disposing);
    }
}
