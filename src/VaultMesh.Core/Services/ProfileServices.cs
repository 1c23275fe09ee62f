using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Services;

/// <summary>
/// Everything one profile's commands work with, built on first use from the resolved context and
/// disposed together: the store, the memory and anchor stores over it, the sealer, the rails and
/// anchor service, and the receipt validator that follows VERIFY_ENFORCE. A command asks for what
/// it needs and never wires services itself (docs/architecture.md, "Service wiring").
/// </summary>
public sealed class ProfileServices : IDisposable
{
    private VaultStore? _store;
    private MemoryStore? _memories;
    private AnchorStore? _anchors;
    private Sealer? _sealer;
    private AnchorRails? _rails;
    private AnchorService? _anchorService;
    private ReceiptValidator? _validator;

    /// <summary>Services of the given resolved profile context.</summary>
    public ProfileServices(VaultMeshContext context) => Context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The resolved profile: paths, settings, kill switches.</summary>
    public VaultMeshContext Context { get; }

    /// <summary>The profile's store, opened on first use.</summary>
    public VaultStore Store => _store ??= VaultStore.Open(Context.DataDirectory);

    /// <summary>Memories of the profile.</summary>
    public MemoryStore Memories => _memories ??= new MemoryStore(Store);

    /// <summary>Stored anchor receipts and verification counters.</summary>
    public AnchorStore Anchors => _anchors ??= new AnchorStore(Store);

    /// <summary>Seals pending memories into batches and reads batches.</summary>
    public Sealer Sealer => _sealer ??= new Sealer(Store);

    /// <summary>The anchoring rails the profile configures.</summary>
    public AnchorRails Rails => _rails ??= AnchorRails.FromProfile(Context.Settings, Context.Environment);

    /// <summary>Submits, verifies and reconciles anchors on the profile's rails.</summary>
    public AnchorService AnchorService => _anchorService ??= new AnchorService(Anchors, Rails.Rails, Context.KillSwitches);

    /// <summary>The receipt validator, enforcing while VERIFY_ENFORCE is on.</summary>
    public ReceiptValidator Validator => _validator ??= new ReceiptValidator(new ReceiptValidatorOptions { Enforce = Context.KillSwitches.VerifyEnforce.Enabled });

    /// <summary>A failed verification with the severity the profile's VERIFY_ENFORCE gives it.</summary>
    public VerificationFailure Failure(string errorId, string message, string? target) =>
        VerificationFailure.Of(Context.KillSwitches, errorId, message, target);

    /// <inheritdoc />
    public void Dispose()
    {
        _rails?.Dispose();
        _store?.Dispose();
    }
}
