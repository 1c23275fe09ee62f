using System.IO;
using System.Management.Automation;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Resolve-VmConflict cmdlet; its help is docs/en-US/Resolve-VmConflict.md.</summary>
[Cmdlet(VerbsDiagnostic.Resolve, "VmConflict")]
[OutputType(typeof(ConflictResolution))]
public sealed class ResolveVmConflictCommand : VaultMeshCmdlet
{
    private const string PathSet = "Path";
    private const string JsonSet = "Json";
    private const string ObjectSet = "Object";

    private readonly List<Receipt> _receipts = [];
    private ConflictResolverOptions? _options;

    /// <summary>Receipt or manifest files (a manifest gives all its receipts); wildcards allowed. Binds FullName by property name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Receipt or manifest JSON text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JsonSet)]
    [ValidateNotNull]
    public string[] Json { get; set; } = [];

    /// <summary>
    /// From the pipeline: a receipt or manifest as a PSCustomObject or hashtable, JSON text, or a
    /// file (the FileInfo of Get-ChildItem).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Rank receipts by the status they claim instead of verifying them (lab work); refused while VERIFY_ENFORCE is on.</summary>
    [Parameter]
    public SwitchParameter TrustClaims { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        WriteContextWarnings();
        _options = Services.ResolverOptions(TrustClaims, DateTimeOffset.UtcNow);
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        switch (ParameterSetName)
        {
            case JsonSet:
                foreach (var text in Json)
                {
                    Collect(text, ReceiptValidator.JsonSource);
                }
                break;
            case ObjectSet:
                // A FileInfo reaches this parameter before FullName could bind to -Path, so files are taken here.
                switch (InputObject!.BaseObject)
                {
                    case FileInfo file:
                        CollectFile(file.FullName);
                        break;
                    case string text:
                        Collect(text, ReceiptValidator.JsonSource);
                        break;
                    default:
                        Collect(CanonicalJsonInput.ToNode(InputObject)?.ToJsonString() ?? "null", "<object>");
                        break;
                }
                break;
            default:
                foreach (var path in Path)
                {
                    foreach (var file in ResolveFilePaths(path))
                    {
                        CollectFile(file);
                    }
                }
                break;
        }
    }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        WriteVerbose($"Resolving {_receipts.Count} receipt(s).");
        try
        {
            foreach (var resolution in new ConflictResolver(_options).Resolve(_receipts, CancellationToken))
            {
                WriteObject(resolution);
            }
        }
        finally
        {
            (_options?.Verifier as IDisposable)?.Dispose();
        }
    }

    private void CollectFile(string file)
    {
        CancellationToken.ThrowIfCancellationRequested();
        try
        {
            WriteVerbose($"Reading {file}");
            Add(ReceiptReader.ReadFile(file, Services.Validator));
        }
        catch (VaultMeshException ex)
        {
            WriteVmError(ex);
        }
    }

    private void Collect(string json, string source)
    {
        try
        {
            Add(ReceiptReader.Read(json, source, Services.Validator));
        }
        catch (VaultMeshException ex)
        {
            WriteVmError(ex);
        }
    }

    private void Add(ReceiptDocument document)
    {
        foreach (var receipt in document.Receipts)
        {
            // Canonicalise now, so a receipt that cannot be (a number beyond the double range) is
            // reported against its own input instead of stopping the whole resolution at the end.
            ConflictResolver.CanonicalHash(receipt);
            _receipts.Add(receipt);
        }
    }
}
