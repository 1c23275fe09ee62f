# Start-VmMetricsServer / vm metrics serve: a real HttpListener in a child pwsh on a free loopback
# port, scraped over HTTP, linted with promtool, fed by verifications made in another process.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa

    function Get-FreePort {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start()
        try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }

    function Test-PortOpen([int] $Port) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.ConnectAsync('127.0.0.1', $Port).Wait(200) -and $client.Connected } catch { $false } finally { $client.Dispose() }
    }

    # A child pwsh running Start-VmMetricsServer on $script:port; returns once it says it listens.
    # When another process took that free port before the server bound it (VmBindFailed), it moves
    # to a new one and $script:port follows.
    function Start-VmMetricsChild {
        param([hashtable] $Environment = @{}, [int] $Attempt = 0)
        $pwsh = Get-VmPwshCommandLine
        $file = Join-Path ([IO.Path]::GetTempPath()) ("vmmetrics-" + [guid]::NewGuid().ToString('N') + '.ps1')
        # NormalView prints the error id that the retry looks for.
        "`$ErrorView = 'NormalView'`nImport-Module '$script:ModulePath'`nStart-VmMetricsServer -Bind 127.0.0.1:$script:port | ConvertTo-Json -Compress`nexit 0" | Set-Content -LiteralPath $file
        $ready = New-VmReadySocket
        $child = Start-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', $file)) -Environment ($Environment + @{ NOTIFY_SOCKET = $ready.Path })
        if (-not (Wait-VmReady $ready -Process $child.Process -TimeoutSeconds 90)) {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
            elseif ($child.StdErr.Result -match 'VmBindFailed' -and $Attempt -lt 5) {
                $script:port = Get-FreePort
                return Start-VmMetricsChild -Environment $Environment -Attempt ($Attempt + 1)
            }
            throw "The metrics server did not start: $($child.StdErr.Result)"
        }
        $child
    }

    function Stop-VmChild($Child) {
        if (-not $Child.Process.HasExited) { & kill -TERM $Child.Process.Id }
        if (-not $Child.Process.WaitForExit(60000)) { $Child.Process.Kill($true) }
        $Child.Process.WaitForExit()
    }

    function Get-Scrape([int] $Port) { (Invoke-WebRequest -Uri "http://127.0.0.1:$Port/metrics" -SkipHttpErrorCheck).Content }

    # Sends $Request on a fresh connection and returns the status line of the answer, or
    # 'closed without an answer' when the server ends the connection first. HttpListener rejects
    # an unparseable request in its own parser: it writes its 400 asynchronously and closes the
    # socket at once, and under load the close can win (reset or end of stream, no status line).
    function Send-RawRequest([int] $Port, [string] $Request) {
        $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $Port)
        try {
            $stream = $client.GetStream()
            $bytes = [Text.Encoding]::ASCII.GetBytes($Request)
            $stream.Write($bytes, 0, $bytes.Length)
            $line = [IO.StreamReader]::new($stream).ReadLine()
            if ($null -eq $line) { 'closed without an answer' } else { $line }
        } catch [IO.IOException], [Management.Automation.MethodInvocationException] {
            if ($_.Exception.GetBaseException() -isnot [Net.Sockets.SocketException]) { throw }
            'closed without an answer'
        } finally { $client.Dispose() }
    }
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
}

Describe 'Start-VmMetricsServer' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:METRICS_BIND -ErrorAction SilentlyContinue
        $script:port = Get-FreePort
    }

    It 'serves a scrape that promtool accepts, with the persisted figures of the profile' {
        Add-VmMemory -Type event -Component metrics -Version 1 | Out-Null
        Invoke-VmSeal | Out-Null
        $child = Start-VmMetricsChild -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; ANCHOR_WRITE_ENABLED = '1' }
        try {
            $text = Get-Scrape $script:port
        } finally { Stop-VmChild $child }
        $file = Join-Path TestDrive: 'scrape.txt'
        Set-Content -LiteralPath $file -Value $text -NoNewline
        $lint = Get-Content -Raw -LiteralPath $file | & promtool check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$lint"
        $text | Should -Match '(?m)^vaultmesh_memories_recorded_total 1$'
        $text | Should -Match '(?m)^vaultmesh_batches_sealed_total 1$'
        $text | Should -Match '(?m)^vaultmesh_kill_switch_enabled\{switch="ANCHOR_WRITE_ENABLED"\} 1$'
        $text | Should -Match '(?m)^vaultmesh_conflict_resolved_total 0$'
        (Get-VmMetric vaultmesh_batches_sealed_total).Value | Should -Be 1
    }

    It 'shows on the next scrape the verifications another process made' {
        Set-VmConfiguration -Profile default -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
        Add-VmMemory -Type event -Component metrics -Version 1 | Out-Null
        $batch = Invoke-VmSeal
        $child = Start-VmMetricsChild -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        try {
            $before = Get-Scrape $script:port
            $work = Invoke-VmChildPwsh -Script "Submit-VmAnchor -BatchId '$($batch.BatchId)' | Out-Null; Test-VmAnchor | Out-Null; Test-VmAnchor | Out-Null; exit 0" -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; ANCHOR_WRITE_ENABLED = '1' }
            $work.ExitCode | Should -Be 0 -Because $work.StdErr
            $after = Get-Scrape $script:port
        } finally { Stop-VmChild $child }
        # The configured rail's counter is there at 0 before its first verification, so an alert on it is defined.
        $before | Should -Match '(?m)^vaultmesh_anchor_verify_ok_total\{chain="TSA"\} 0$'
        $after | Should -Match '(?m)^vaultmesh_anchor_verify_ok_total\{chain="TSA"\} 2$'
        $after | Should -Match '(?m)^vaultmesh_anchors\{chain="TSA",network="[^"]+",state="finalized",status="verified"\} 1$'
        $after | Should -Match '(?m)^vaultmesh_seconds_since_last_final_anchor \d'
    }

    It 'answers malformed requests with a 4xx and keeps serving' {
        $child = Start-VmMetricsChild -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        try {
            # Rejected by HttpListener's parser, before the handler: a 400, or a close that won the race.
            Send-RawRequest $script:port "GARBAGE`r`n`r`n" | Should -Match '^(HTTP/1\.[01] 400 |closed without an answer$)'
            Send-RawRequest $script:port "GET /metrics HTTP/1.1`r`nConnection: close`r`n`r`n" | Should -Match '^(HTTP/1\.[01] 400 |closed without an answer$)'
            # Parsed, then refused by the handler: always a definite status.
            Send-RawRequest $script:port "POST /metrics HTTP/1.1`r`nHost: 127.0.0.1:$($script:port)`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" | Should -Match '^HTTP/1\.[01] 405 '
            Send-RawRequest $script:port "GET /admin HTTP/1.1`r`nHost: 127.0.0.1:$($script:port)`r`nConnection: close`r`n`r`n" | Should -Match '^HTTP/1\.[01] 404 '
            (Invoke-WebRequest -Uri "http://127.0.0.1:$script:port/metrics").StatusCode | Should -Be 200
        } finally { Stop-VmChild $child }
    }

    It 'fails with VmBindFailed on a taken port, and the test helper moves the server to another' {
        $holder = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $script:port)
        $holder.Start()
        try {
            $taken = $script:port
            $child = Start-VmMetricsChild -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
            try {
                $script:port | Should -Not -Be $taken
                (Invoke-WebRequest -Uri "http://127.0.0.1:$script:port/metrics").StatusCode | Should -Be 200
            } finally { Stop-VmChild $child }
        } finally { $holder.Stop() }
    }

    It 'stops on SIGTERM with exit code 0 after writing where it served' {
        $child = Start-VmMetricsChild -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        Stop-VmChild $child
        $child.Process.ExitCode | Should -Be 0 -Because $child.StdErr.Result
        $info = $child.StdOut.Result | ConvertFrom-Json
        $info.Bind | Should -Be "127.0.0.1:$script:port"
        $info.Url | Should -Be "http://127.0.0.1:$script:port/metrics"
        Test-PortOpen $script:port | Should -BeFalse
    }

    It 'serves through vm metrics serve, taking the listener from METRICS_BIND' {
        $ready = New-VmReadySocket
        $env2 = @{ VAULTMESH_MODULE = $script:ModulePath; VAULTMESH_HOME = $env:VAULTMESH_HOME; METRICS_BIND = "127.0.0.1:$script:port"; NOTIFY_SOCKET = $ready.Path }
        $child = Start-VmProcess -FilePath 'bash' -ArgumentList @((Join-Path $script:RepoRoot 'ops/bin/vm'), 'metrics', 'serve') -Environment $env2
        $up = Wait-VmReady $ready -Process $child.Process -TimeoutSeconds 90
        if (-not $up -and -not $child.Process.HasExited) { $child.Process.Kill($true) }
        $up | Should -BeTrue -Because $(if (-not $up) { $child.StdErr.Result })
        try { Get-Scrape $script:port | Should -Match 'vaultmesh_build_info\{' } finally { Stop-VmChild $child }
        $child.Process.ExitCode | Should -Be 0 -Because $child.StdErr.Result
        $envelope = $child.StdOut.Result | ConvertFrom-Json
        $envelope.action | Should -Be 'metrics.serve'
        $envelope.ok | Should -BeTrue
        $envelope.data.Bind | Should -Be "127.0.0.1:$script:port"
    }

    It 'takes -Bind from the pipeline by property name, and -WhatIf binds nothing' {
        $r = [pscustomobject]@{ Bind = "127.0.0.1:$script:port" } | Start-VmMetricsServer -WhatIf
        $r | Should -BeNullOrEmpty
        Test-PortOpen $script:port | Should -BeFalse
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data') | Should -BeFalse
    }

    It 'refuses a malformed listener with VmBindAddressInvalid naming where it came from' {
        { Start-VmMetricsServer -Bind 'localhost' -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmBindAddressInvalid,VaultMesh.PowerShell.Commands.StartVmMetricsServerCommand'
        $env:METRICS_BIND = '0.0.0.0:99999'
        { Start-VmMetricsServer -ErrorAction Stop } | Should -Throw -ExpectedMessage '*METRICS_BIND*99999*'
    }

    It 'refuses a port in use with VmBindFailed' {
        $holder = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $script:port)
        $holder.Start()
        try {
            { Start-VmMetricsServer -Bind "127.0.0.1:$script:port" -ErrorAction Stop } |
                Should -Throw -ErrorId 'VmBindFailed,VaultMesh.PowerShell.Commands.StartVmMetricsServerCommand'
        } finally { $holder.Stop() }
    }
}

Describe 'Get-VmMetric' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'returns the figures /metrics serves as objects, filtered by name' {
        $all = Get-VmMetric
        $all[0].GetType().FullName | Should -Be 'VaultMesh.Core.Metrics.MetricSample'
        ($all | Where-Object Name -eq 'vaultmesh_kill_switch_enabled').Count | Should -Be 3
        (Get-VmMetric 'vaultmesh_pending*').Name | Should -Be 'vaultmesh_pending_memories'
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data') | Should -BeFalse
    }
}
