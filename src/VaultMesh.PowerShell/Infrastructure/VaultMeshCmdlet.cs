using System.Collections.ObjectModel;
using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Store;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Base of every VaultMesh cmdlet: owns cancellation (cancelled by Ctrl+C through
/// <see cref="StopProcessing"/>), resolves the profile context, and turns core exceptions into
/// <see cref="ErrorRecord"/>s with the core's stable error id.
/// </summary>
public abstract class VaultMeshCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private VaultMeshContext? _context;
    private VaultStore? _store;
    private AnchorRails? _rails;

    /// <summary>Profile to use; else VAULTMESH_PROFILE, else the config file's default_profile, else 'default'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? Profile { get; set; }

    /// <summary>Cancelled when the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The resolved context, built on first use.</summary>
    protected VaultMeshContext Context => _context ??= VaultMeshContext.Resolve(Profile);

    /// <summary>The active profile's store, opened on first use and closed with the cmdlet.</summary>
    protected VaultStore Store => _store ??= VaultStore.Open(Context.DataDirectory);

    /// <summary>The anchoring rails the active profile configures, built on first use and disposed with the cmdlet.</summary>
    protected AnchorRails Rails => _rails ??= AnchorRails.FromProfile(Context.Settings, Context.Environment);

    /// <summary>Begin step; errors become terminating.</summary>
    protected virtual void OnBegin() { }

    /// <summary>Per-record step; a core error is written for this record and the pipeline goes on.</summary>
    protected virtual void OnProcess() { }

    /// <summary>End step; errors become terminating.</summary>
    protected virtual void OnEnd() { }

    /// <inheritdoc />
    protected sealed override void BeginProcessing() => Run(OnBegin, terminating: true);

    /// <inheritdoc />
    protected sealed override void ProcessRecord() => Run(OnProcess, terminating: false);

    /// <inheritdoc />
    protected sealed override void EndProcessing() => Run(OnEnd, terminating: true);

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>Writes a non-terminating error for a core exception.</summary>
    protected void WriteVmError(VaultMeshException ex) => WriteError(ErrorMapper.ToRecord(ex));

    /// <summary>Throws a terminating error for a core exception.</summary>
    protected void ThrowVmError(VaultMeshException ex) => ThrowTerminatingError(ErrorMapper.ToRecord(ex));

    /// <summary>
    /// Resolves a file system path (wildcards allowed) to the files it names. A path that names
    /// nothing, or another provider's item, is written as a <c>VmFileNotFound</c> error and yields nothing.
    /// </summary>
    protected Collection<string> ResolveFilePaths(string path)
    {
        Collection<string> resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name != "FileSystem")
            {
                WriteVmError(new VaultMeshException("VmFileNotFound", VmErrorKind.NotFound, $"'{path}' is not a file system path.", path));
                return [];
            }
        }
        catch (ItemNotFoundException)
        {
            WriteVmError(new VaultMeshException("VmFileNotFound", VmErrorKind.NotFound, $"File not found: {path}", path));
            return [];
        }
        if (resolved.Count == 0)
        {
            // A wildcard that matched nothing names no file either.
            WriteVmError(new VaultMeshException("VmFileNotFound", VmErrorKind.NotFound, $"No file matches '{path}'.", path));
        }
        return resolved;
    }

    /// <summary>Releases what a cmdlet holds beyond the store; runs before the store is closed.</summary>
    protected virtual void OnDispose() { }

    /// <summary>Writes the kill-switch warnings of the context once.</summary>
    protected void WriteContextWarnings()
    {
        foreach (var sw in Context.KillSwitches.All)
        {
            if (sw.Warning is not null)
            {
                WriteWarning(sw.Warning);
            }
        }
    }

    private void Run(Action step, bool terminating)
    {
        try
        {
            step();
        }
        catch (VaultMeshException ex)
        {
            if (terminating)
            {
                ThrowVmError(ex);
            }
            else
            {
                WriteVmError(ex);
            }
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            // The pipeline is stopping; PowerShell reports that itself.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        OnDispose();
        _rails?.Dispose();
        _store?.Dispose();
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
