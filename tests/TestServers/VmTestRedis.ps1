# A real redis-server (Debian's package) for Pester and the rehearsal: a free 127.0.0.1 port,
# append-only persistence fsynced on every write in a folder of its own, so it can be killed and
# started again on the same port and data. Dot-source, then Start-VmTestRedis / Stop-VmTestRedis.

function Start-VmTestRedis {
    param([object] $Previous)
    if ($Previous) {
        $port = $Previous.Port
        $dir = $Previous.Directory
    } else {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("vmredis-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
    }
    $psi = [Diagnostics.ProcessStartInfo]::new('redis-server')
    foreach ($a in @('--port', "$port", '--bind', '127.0.0.1', '--dir', $dir, '--appendonly', 'yes', '--appendfsync', 'always',
            '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning', '--logfile', (Join-Path $dir 'redis.log'))) {
        $psi.ArgumentList.Add($a)
    }
    $psi.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($psi)
    $ready = [Threading.SpinWait]::SpinUntil([Func[bool]] {
            if ($process.HasExited) { return $true }
            $client = [Net.Sockets.TcpClient]::new()
            try {
                if (-not $client.ConnectAsync('127.0.0.1', $port).Wait(200)) { return $false }
                $s = $client.GetStream()
                $s.Write([Text.Encoding]::ASCII.GetBytes("PING`r`n"), 0, 6)
                $buffer = [byte[]]::new(16)
                $n = $s.Read($buffer, 0, 16)
                [Text.Encoding]::ASCII.GetString($buffer, 0, $n).StartsWith('+PONG')
            } catch { $false } finally { $client.Dispose() }
        }, [TimeSpan]::FromSeconds(30))
    if (-not $ready -or $process.HasExited) { throw "redis-server did not start on 127.0.0.1:$port (see $dir/redis.log)." }
    [pscustomobject]@{ Port = $port; Directory = $dir; Process = $process; Configuration = "127.0.0.1:$port" }
}

# Kills the server (SIGKILL, as a crash would); -Remove also deletes its data folder.
function Stop-VmTestRedis {
    param([Parameter(Mandatory)] [object] $Redis, [switch] $Remove)
    if (-not $Redis.Process.HasExited) { $Redis.Process.Kill() }
    $Redis.Process.WaitForExit()
    if ($Remove) { Remove-Item -LiteralPath $Redis.Directory -Recurse -Force -ErrorAction SilentlyContinue }
}
