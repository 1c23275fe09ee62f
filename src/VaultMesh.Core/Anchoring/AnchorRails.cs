using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Anchoring.Evm;
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

    /// <summary>Builds the rails of a profile, highest tier first; a malformed rail setting throws naming the key.
    /// Keys are read from <paramref name="environment"/> where a rail takes a secret by variable name.</summary>
    public static AnchorRails FromProfile(ProfileSettings settings, EnvironmentSource? environment = null)
    {
        var rails = new List<IAnchorRail>();
        try
        {
            if (settings.GetString("rails.btc.url") is not null)
            {
                rails.Add(new BtcRail(BtcRailOptions.FromProfile(settings)));
            }
            if (settings.GetString("rails.evm.url") is not null)
            {
                rails.Add(new EvmRail(EvmRailOptions.FromProfile(settings, environment)));
            }
            if (settings.GetString("rails.tsa.url") is not null)
            {
                rails.Add(new TsaRail(TsaRailOptions.FromProfile(settings)));
            }
        }
        catch
        {
            new AnchorRails(rails).Dispose();
            throw;
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
