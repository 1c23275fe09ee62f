using System.Management.Automation;
using VaultMesh.Core.Errors;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Base of the cmdlets that check JSON documents given either as files (<c>-Path</c>, wildcards,
/// <c>FullName</c> from Get-ChildItem) or as text from the pipeline (<c>-Json</c>). A file that
/// cannot be read is written as an error and the remaining inputs go on.
/// </summary>
public abstract class DocumentInputCmdlet : VaultMeshCmdlet
{
    /// <summary>Name of the file parameter set.</summary>
    protected const string PathSet = "Path";

    /// <summary>Name of the text parameter set.</summary>
    protected const string JsonSet = "Json";

    // No default parameter set on purpose: with one, piped JSON text is bound against the Path set
    // only and fails; without one PowerShell picks the set the input satisfies. And no object
    // parameter: a ValueFromPipeline object would capture Get-ChildItem's FileInfo before FullName binds.

    /// <summary>Document files; wildcards allowed. Binds FullName from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Document JSON text (for objects: ConvertTo-Json -Depth 10 | ...).</summary>
    [Parameter(Mandatory = true, ParameterSetName = JsonSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Json { get; set; } = string.Empty;

    /// <summary>Checks one document given as text.</summary>
    protected abstract void ProcessJson(string json);

    /// <summary>Checks one resolved file.</summary>
    protected abstract void ProcessFile(string file);

    /// <inheritdoc />
    protected sealed override void OnProcess()
    {
        if (ParameterSetName == JsonSet)
        {
            ProcessJson(Json);
            return;
        }
        foreach (var path in Path)
        {
            foreach (var file in ResolveFilePaths(path))
            {
                CancellationToken.ThrowIfCancellationRequested();
                try
                {
                    WriteVerbose($"Checking {file}");
                    ProcessFile(file);
                }
                catch (VaultMeshException ex)
                {
                    WriteVmError(ex);
                }
            }
        }
    }
}
