using System.Collections.ObjectModel;
using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Base of every VaultMesh cmdlet: owns cancellation (cancelled by Ctrl+C through
/// <see cref="StopProcessing"/>) and turns core exceptions into <see cref="ErrorRecord"/>s with the
/// core's stable error id. The pure evidence cmdlets (canonical JSON, Merkle trees and proofs),
/// which read no profile, derive from it directly; the others from <see cref="VaultMeshCmdlet"/>.
/// </summary>
public abstract class CancellableCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Cancelled when the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

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

    /// <summary>True under -WhatIf, given on the command line or through $WhatIfPreference.</summary>
    protected bool WhatIfRequested => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
        ? LanguagePrimitives.IsTrue(whatIf)
        : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    /// <summary>Writes a non-terminating error for a core exception.</summary>
    protected void WriteVmError(VaultMeshException ex) => WriteError(ErrorMapper.ToRecord(ex));

    /// <summary>Throws a terminating error for a core exception.</summary>
    protected void ThrowVmError(VaultMeshException ex) => ThrowTerminatingError(ErrorMapper.ToRecord(ex));

    /// <summary>
    /// Resolves a file system path (wildcards allowed) to the files it names. A path that names
    /// nothing, or another provider's item, is written as a <c>VmFileNotFound</c> error and yields nothing;
    /// one that is not valid wildcard syntax, as <c>VmWildcardInvalid</c>.
    /// </summary>
    protected Collection<string> ResolveFilePaths(string path)
    {
        if (WildcardFilter.Problem(path, "Path") is { } problem)
        {
            WriteVmError(problem);
            return [];
        }
        Collection<string> resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name != "FileSystem")
            {
                WriteVmError(new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"'{path}' is not a file system path.", path));
                return [];
            }
        }
        catch (ItemNotFoundException)
        {
            WriteVmError(new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"File not found: {path}", path));
            return [];
        }
        if (resolved.Count == 0)
        {
            // A wildcard that matched nothing names no file either.
            WriteVmError(new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"No file matches '{path}'.", path));
        }
        return resolved;
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
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cmdlet opened; derived classes release their own and call this.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cancellation.Dispose();
        }
    }
}
