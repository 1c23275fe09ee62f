# A real nginx (Debian's package) serving a published tlog-tiles directory, as docs/operations.md
# configures it: run as the current user with a config and prefix in a temp folder, on a free
# 127.0.0.1 port, in the foreground (no daemon). Dot-source, then Start-VmTestNginx / Stop-VmTestNginx.

# The server block docs/operations.md shows: the checkpoint and partial tiles are not cached, full
# tiles and bundles are immutable, and entry bundles are gzipped for clients that accept it.
function Get-VmTilesNginxServer([int] $Port, [string] $Root) {
    @"
    server {
        listen 127.0.0.1:$Port;
        root $Root;
        types { }
        default_type application/octet-stream;
        location = /checkpoint {
            default_type "text/plain; charset=utf-8";
            add_header Cache-Control "no-cache" always;
        }
        location ~ ^/tile/entries/.*\.p/ {
            add_header Cache-Control "no-cache" always;
            gzip on; gzip_types *; gzip_min_length 0; gzip_vary on;
        }
        location ~ \.p/ {
            add_header Cache-Control "no-cache" always;
        }
        location /tile/entries/ {
            add_header Cache-Control "public, max-age=31536000, immutable" always;
            gzip on; gzip_types *; gzip_min_length 0; gzip_vary on;
        }
        location /tile/ {
            add_header Cache-Control "public, max-age=31536000, immutable" always;
        }
    }
"@
}

function Start-VmTestNginx {
    param([Parameter(Mandatory)] [string] $Root)
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("vmnginx-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $server = Get-VmTilesNginxServer -Port $port -Root $Root
    $config = Join-Path $dir 'nginx.conf'
    @"
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
$server
}
"@ | Set-Content -LiteralPath $config
    $nginx = if (Test-Path '/usr/sbin/nginx') { '/usr/sbin/nginx' } else { 'nginx' }
    $psi = [Diagnostics.ProcessStartInfo]::new($nginx)
    foreach ($a in @('-p', $dir, '-c', $config, '-e', (Join-Path $dir 'error.log'), '-g', 'daemon off;')) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($psi)
    $stderr = $process.StandardError.ReadToEndAsync()
    # Ready when the port answers, or failed when nginx exits first.
    $null = [Threading.SpinWait]::SpinUntil([Func[bool]] {
            if ($process.HasExited) { return $true }
            $client = [Net.Sockets.TcpClient]::new()
            try { $client.ConnectAsync('127.0.0.1', $port).Wait(200) } catch { $false } finally { $client.Dispose() }
        }, 60000)
    if ($process.HasExited) {
        throw "nginx exited ($($process.ExitCode)): $($stderr.Result) $(Get-Content -Raw -LiteralPath (Join-Path $dir 'error.log') -ErrorAction SilentlyContinue)"
    }
    [pscustomobject]@{ Process = $process; Port = $port; Url = "http://127.0.0.1:$port/"; Directory = $dir; Config = $config }
}

function Stop-VmTestNginx {
    param([Parameter(Mandatory)] $Nginx)
    if (-not $Nginx.Process.HasExited) {
        & kill -QUIT $Nginx.Process.Id
        if (-not $Nginx.Process.WaitForExit(30000)) { $Nginx.Process.Kill($true) }
    }
    Remove-Item -LiteralPath $Nginx.Directory -Recurse -Force -ErrorAction SilentlyContinue
}
