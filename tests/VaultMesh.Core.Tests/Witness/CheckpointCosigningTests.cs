using System.Net;
using System.Text;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Tests.Federation;
using Xunit;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>The log's side of witnessing: how it reads a witness's refusals, whichever C2SP revision the witness follows.</summary>
public sealed class CheckpointCosigningTests : IDisposable
{
    private readonly FederationNode _log = new("log");
    private readonly FederationNode _witness = new("witness");

    private sealed class Witness(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            return Task.FromResult(response);
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task A_witness_that_answers_a_conflict_with_409_or_422_is_read_as_a_conflict_and_not_asked_again(HttpStatusCode status)
    {
        _log.Seal(2);
        var witness = new Witness(status, "text/plain", "Peer log presented a split view: it signed two checkpoints of size 2.\n");
        using var client = new FederationClient(_log.Key, FederationNode.Switches(), handler: witness);
        using var gate = new SemaphoreSlim(1, 1);
        var outcome = await new CheckpointCosigning(_log.Store, ProfileLogs.LogOver(_log.Store), client, gate)
            .RequestAsync(_witness.AsPeer(new Uri("http://127.0.0.1:9/")), CancellationToken.None);
        Assert.Null(outcome.Size);
        Assert.Contains($"conflicting with what it cosigned of this log ({(int)status})", outcome.Problem, StringComparison.Ordinal);
        Assert.Equal(1, witness.Requests);
    }

    public void Dispose()
    {
        _log.Dispose();
        _witness.Dispose();
    }
}
