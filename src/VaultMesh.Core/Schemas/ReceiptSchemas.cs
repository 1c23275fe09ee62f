using System.Reflection;

namespace VaultMesh.Core.Schemas;

/// <summary>The frozen v1 schemas as shipped in <c>schemas/</c>, read from this assembly's resources.</summary>
public static class ReceiptSchemas
{
    /// <summary><c>$id</c> of receipt.v1.</summary>
    public const string ReceiptV1Id = "https://schemas.vaultmesh.dev/receipt.v1.json";

    /// <summary><c>$id</c> of batch-manifest.v1.</summary>
    public const string BatchManifestV1Id = "https://schemas.vaultmesh.dev/batch-manifest.v1.json";

    /// <summary>File name of receipt.v1 under <c>schemas/</c>.</summary>
    public const string ReceiptV1FileName = "receipt.v1.json";

    /// <summary>File name of batch-manifest.v1 under <c>schemas/</c>.</summary>
    public const string BatchManifestV1FileName = "batch-manifest.v1.json";

    /// <summary>The exact bytes of <c>schemas/receipt.v1.json</c>.</summary>
    public static ReadOnlyMemory<byte> ReceiptV1Bytes { get; } = Load(ReceiptV1FileName);

    /// <summary>The exact bytes of <c>schemas/batch-manifest.v1.json</c>.</summary>
    public static ReadOnlyMemory<byte> BatchManifestV1Bytes { get; } = Load(BatchManifestV1FileName);

    private static byte[] Load(string fileName)
    {
        var name = "VaultMesh.Core.Schemas." + fileName;
        using var stream = typeof(ReceiptSchemas).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded schema '{name}' is missing from {typeof(ReceiptSchemas).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
