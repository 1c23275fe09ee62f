using System.Text.RegularExpressions;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// Component names: a lower-case DNS label (it becomes a Kubernetes name, a folder and, in
/// PascalCase, a C# namespace), so <c>payment-api</c> gives the namespace <c>PaymentApi</c>.
/// </summary>
public static partial class SpawnName
{
    // Namespaces that would shadow the framework's own and break the generated build.
    private static readonly string[] Reserved = ["system", "microsoft", "xunit", "nats", "rabbitmq"];

    /// <summary>Returns <paramref name="name"/> when valid; throws <c>VmSpawnNameInvalid</c> otherwise.</summary>
    public static string Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !Pattern().IsMatch(name))
        {
            throw new VaultMeshException(SpawnErrorIds.NameInvalid, VmErrorKind.InvalidArgument,
                $"Spawn name '{name}' is invalid: use 1 to 63 lower-case letters, digits and single " +
                "hyphens, starting with a letter and not ending with a hyphen (for example payment-api).", name);
        }
        if (Reserved.Contains(name.Split('-')[0], StringComparer.Ordinal))
        {
            throw new VaultMeshException(SpawnErrorIds.NameInvalid, VmErrorKind.InvalidArgument,
                $"Spawn name '{name}' is reserved: its C# namespace would shadow a framework namespace; choose another first word.", name);
        }
        return name;
    }

    /// <summary>The PascalCase form of a valid name (<c>payment-api</c> to <c>PaymentApi</c>).</summary>
    public static string ToPascal(string name) =>
        string.Concat(name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
