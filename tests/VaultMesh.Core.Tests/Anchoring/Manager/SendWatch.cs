using System.Text.Json.Nodes;

namespace VaultMesh.Core.Tests.Anchoring.Manager;

/// <summary>
/// Sees every JSON-RPC call of <c>method</c> (a rail's broadcast) and what the node answered; with
/// <c>crash</c>, the manager "dies" the moment the node accepted the transaction, before it can store anything.
/// </summary>
internal sealed class SendWatch(string method, bool crash) : DelegatingHandler(new HttpClientHandler())
{
    public List<(string Raw, string Hash)> Sent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var response = await base.SendAsync(request, cancellationToken);
        if ((string?)body["method"] != method)
        {
            return response;
        }
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        Sent.Add(((string)body["params"]![0]!, (string?)answer["result"] ?? "(error)"));
        if (crash)
        {
            response.Dispose();
            throw new HttpRequestException("the manager died right after broadcasting");
        }
        return response;
    }
}
