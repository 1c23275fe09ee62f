using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>Reads the receipt and manifest files of a <c>-ReceiptPath</c> parameter.</summary>
internal static class ReceiptFiles
{
    /// <summary>The receipts an export includes: the stored ones, plus those of the <c>-ReceiptPath</c> files when given.</summary>
    public static IReceiptSource WithStored(PSCmdlet cmdlet, IEnumerable<string>? paths, ReceiptValidator validator, IReceiptSource stored) =>
        paths is null ? stored : Read(cmdlet, paths, validator, stored);

    /// <summary>
    /// Every receipt in the named files (wildcards allowed). A path that names no file is
    /// <c>VmFileNotFound</c>: exporting without receipts the operator asked for would hide anchors.
    /// </summary>
    public static ReceiptList Read(PSCmdlet cmdlet, IEnumerable<string> paths, ReceiptValidator validator, IReceiptSource? next = null)
    {
        var receipts = new List<Receipt>();
        foreach (var path in paths)
        {
            System.Collections.ObjectModel.Collection<string> files;
            try
            {
                files = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                {
                    files = [];
                }
            }
            catch (ItemNotFoundException)
            {
                files = [];
            }
            if (files.Count == 0)
            {
                throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"Receipt file not found: {path}", path);
            }
            foreach (var file in files)
            {
                cmdlet.WriteVerbose($"Reading receipts from {file}");
                receipts.AddRange(ReceiptReader.ReadFile(file, validator).Receipts);
            }
        }
        return new ReceiptList(receipts, next);
    }
}
