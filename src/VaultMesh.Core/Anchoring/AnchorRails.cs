using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// The rails a profile configures: a rail exists when its endpoint key is set
/// (<c>rails.tsa.url</c>, <c>rails.evm.url</c>, <c>rails.btc.url</c>). Owns the rails' HTTP clients.
/// </summary>
public sealed class AnchorRails : IDisposable
{
    private readonly List<IAnchorRail> _rails;

    private AnchorRails(List<IAnchorRail> rails) => _rails = rails;

    /// <summary>The configured rails, in tier order.</summary>
    public IReadOnlyList<IAnchorRail> Rails => _rails;

    /// <summary>Builds the rails of a profile; a malformed rail setting throws naming the key.</summary>
    public static AnchorRails FromProfile(ProfileSettings settings)
    {
        var rails = new List<IAnchorRail>();
        if (settings.GetString("rails.tsa.url") is not null)
        {
            rails.Add(new TsaRail(TsaRailOptions.FromProfile(settings)));
        }
        return new AnchorRails(rails);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var rail in _rails.OfType<IDisposable>())
        {
            rail.Dispose();
        }
    }
}
