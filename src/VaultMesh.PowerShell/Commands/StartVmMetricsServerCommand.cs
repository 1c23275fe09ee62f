using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Http;
using VaultMesh.Core.Metrics;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Start-VmMetricsServer cmdlet; its help is docs/en-US/Start-VmMetricsServer.md.</summary>
[Cmdlet(VerbsLifecycle.Start, "VmMetricsServer", SupportsShouldProcess = true)]
[OutputType(typeof(MetricsServerInfo))]
public sealed class StartVmMetricsServerCommand : VaultMeshCmdlet
{
    /// <summary>host:port to listen on; default METRICS_BIND, else the profile's metrics_bind, else 127.0.0.1:9108.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Bind { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var bind = MetricsEndpoint.ResolveBind(Context, Bind);
        var profile = Context.Profile;
        if (!ShouldProcess($"{bind.Url}metrics (profile '{profile}')", "Serve metrics"))
        {
            return;
        }
        WriteContextWarnings();
        var routes = new Dictionary<string, HttpHandler>(StringComparer.Ordinal)
        {
            [MetricsEndpoint.Path] = MetricsEndpoint.Handler(() => VaultMeshContext.Resolve(profile)),
        };
        using var host = new HttpHost(bind, routes);
        host.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        // systemd stops a service with SIGTERM: finish the requests in flight and return normally.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        var bindText = $"{bind.Host}:{bind.Port.ToString(CultureInfo.InvariantCulture)}";
        WriteVerbose($"Serving {bind.Url}metrics for profile '{profile}'; Ctrl+C or SIGTERM stops.");
        ServiceReadiness.NotifyReady($"Serving {bind.Url}metrics for profile '{profile}'");
        WriteObject(new MetricsServerInfo(profile, bindText, new Uri(bind.Url, MetricsEndpoint.Path), DateTimeOffset.UtcNow));
        host.RunAsync(stop.Token).GetAwaiter().GetResult();
        ServiceReadiness.NotifyStopping();
        WriteVerbose($"Stopped serving {bind.Url}metrics.");
    }
}
