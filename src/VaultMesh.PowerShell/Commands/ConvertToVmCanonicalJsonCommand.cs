using System.Management.Automation;
using VaultMesh.Core.Canonical;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The ConvertTo-VmCanonicalJson cmdlet; its help is docs/en-US/ConvertTo-VmCanonicalJson.md.</summary>
[Cmdlet(VerbsData.ConvertTo, "VmCanonicalJson", DefaultParameterSetName = JsonSet)]
[OutputType(typeof(string))]
public sealed class ConvertToVmCanonicalJsonCommand : CancellableCmdlet
{
    private const string JsonSet = "Json";
    private const string InputObjectSet = "InputObject";

    /// <summary>JSON text to canonicalise.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = JsonSet)]
    [AllowEmptyString]
    public string Json { get; set; } = string.Empty;

    /// <summary>An object to convert to JSON and canonicalise.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [AllowNull]
    public object? InputObject { get; set; }

    /// <summary>Write the <c>sha256:</c> digest of the canonical bytes instead of the text (a memory's id).</summary>
    [Parameter]
    public SwitchParameter Hash { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var input = ParameterSetName == JsonSet ? Json : InputObject;
        try
        {
            if (ParameterSetName == JsonSet)
            {
                WriteObject(Hash ? CanonicalJson.Sha256(Json).ToPrefixed() : CanonicalJson.Canonicalize(Json));
            }
            else
            {
                var node = CanonicalJsonInput.ToNode(InputObject);
                WriteObject(Hash ? CanonicalJson.Sha256(node).ToPrefixed() : CanonicalJson.Canonicalize(node));
            }
        }
        catch (CanonicalJsonException ex) when (ex.Target is null)
        {
            // The record's target is the input that failed, so -ErrorVariable shows what to fix.
            throw new CanonicalJsonException(ex.Problem, ex.Path, ex.ByteOffset, ex.Line, ex.Column, input, ex);
        }
    }
}
