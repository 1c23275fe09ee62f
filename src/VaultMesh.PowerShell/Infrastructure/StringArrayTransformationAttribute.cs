using System.Management.Automation;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Binds a PowerShell array (<c>object[]</c>, what <c>@(...)</c>, <c>foreach</c> and <c>Get-Content</c>
/// give) whose elements are all strings, bare or wrapped in a <see cref="PSObject"/>, to a
/// <c>string[]</c> parameter in one pass. PowerShell's own conversion takes each element through its
/// general type conversion, which for a million leaf hashes costs more than decoding them. Any other
/// argument, or an array holding anything else (<c>$null</c> included), is returned unchanged, so
/// PowerShell converts it, or refuses it, exactly as it does without this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class StringArrayTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var array = inputData is PSObject wrapper ? wrapper.BaseObject : inputData;
        if (array is not object[] elements || array is string[])
        {
            return inputData;
        }
        var strings = new string[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            switch (elements[i])
            {
                case string text:
                    strings[i] = text;
                    break;
                case PSObject { BaseObject: string text }:
                    strings[i] = text;
                    break;
                default:
                    return inputData;
            }
        }
        return strings;
    }
}
