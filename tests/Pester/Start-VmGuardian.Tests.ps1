BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'FederationLab.ps1')
    $script:StartType = 'VaultMesh.PowerShell.Commands.StartVmGuardianCommand'

    function Send-VmLabRequest {
        param([string] $Url, [string] $Body, [string] $Signature)
        $headers = @{}
        if ($Signature) { $headers['VaultMesh-Signature'] = $Signature }
        $r = Invoke-WebRequest -Method Post -Uri $Url -Body $Body -ContentType 'application/json' -Headers $headers -SkipHttpErrorCheck
        [pscustomobject]@{ Status = [int]$r.StatusCode; Reason = if ($r.StatusCode -ne 200) { ($r.Content | ConvertFrom-Json).error.reason } }
    }
}

AfterAll { Remove-Item Env:FEDERATION_ENABLED -ErrorAction SilentlyContinue }

Describe 'Start-VmGuardian' {
    It 'serves /healthz with version, profile and kill-switch states and stops on SIGTERM' {
        $node = New-VmLabNode -Name health
        Start-VmLabGuardian $node
        try {
            $h = Invoke-RestMethod "$($node.Url)healthz"
            $h.status | Should -Be 'ok'
            $h.version | Should -Be (Get-VmStatus).ModuleVersion
            $h.profile | Should -Be 'default'
            $h.did | Should -Be $node.Did
            $h.federationEnabled | Should -BeTrue
            $h.anchorWriteEnabled | Should -BeFalse
            $h.verifyEnforce | Should -BeTrue
        }
        finally { Stop-VmLabGuardian $node | Should -BeTrue }
        $node.Process.ExitCode | Should -Be 0
        $node.Log.Out.Result | Should -Match 'GuardianRun|Listen'
    }

    It 'fails with VmGuardianListenFailed on a taken port, and the lab moves the guardian to another' {
        # Another process can take a free port between the lab choosing it and the guardian binding it.
        $node = New-VmLabNode -Name taken
        $holder = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $node.Port)
        $holder.Start()
        try {
            $taken = $node.Port
            Start-VmLabGuardian $node
            $node.Port | Should -Not -Be $taken
            (Invoke-RestMethod "$($node.Url)healthz").status | Should -Be 'ok'
        }
        finally {
            $holder.Stop()
            Stop-VmLabGuardian $node | Should -BeTrue
        }
    }

    It 'starts nothing with -WhatIf' {
        $node = New-VmLabNode -Name whatif
        Use-VmLabNode $node { Start-VmGuardian -Listen "127.0.0.1:$($node.Port)" -WhatIf | Should -BeNullOrEmpty }
        { Invoke-WebRequest "$($node.Url)healthz" -TimeoutSec 2 } | Should -Throw
    }

    It 'refuses a listen address that is not host:port, by parameter and as vm guardian run' {
        $node = New-VmLabNode -Name badlisten
        Use-VmLabNode $node {
            { Start-VmGuardian -Listen 'nowhere' -ErrorAction Stop } | Should -Throw -ErrorId "VmGuardianListenInvalid,$script:StartType"
        }
        $r = Invoke-VmLauncher -ArgumentList 'guardian', 'run', '--listen', 'nowhere' -Environment @{ VAULTMESH_HOME = $node.Home }
        $r.ExitCode | Should -Be 1
        ($r.StdOut | ConvertFrom-Json).errors[0].id | Should -Be 'VmGuardianListenInvalid'
    }

    It 'needs an identity' {
        $env:VAULTMESH_HOME = New-VmTestHome
        { Start-VmGuardian -Listen '127.0.0.1:1' -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationIdentityMissing,$script:StartType"
    }
}

Describe 'The federation API refuses forged requests and changes nothing' {
    BeforeAll {
        $env:FEDERATION_ENABLED = '1'
        $script:recorder = Start-VmLabRecorder
        $script:g = New-VmLabNode -Name guardian
        $script:s = New-VmLabNode -Name sender
        $script:stranger = New-VmLabNode -Name stranger
        Use-VmLabNode $script:g { Add-VmMemory -Type event -Component api -Version 1 | Out-Null; Invoke-VmSeal | Out-Null }
        Connect-VmLabNode $script:g @($script:s)
        # The sender believes the recorder is the guardian, so the recorder captures one real signed request.
        Use-VmLabNode $script:s { Add-VmPeer -Name guardian -Did $script:g.Did -Endpoint $script:recorder.Url; Sync-VmFederation -ErrorAction SilentlyContinue | Out-Null }
        $script:captured = (Get-VmLabRecorded $script:recorder)[0]
        Start-VmLabGuardian $script:g
        $script:endpoint = "$($script:g.Url)federation/v1/batches"
        $script:first = Send-VmLabRequest $script:endpoint $script:captured.body $script:captured.signature
    }

    AfterAll {
        Stop-VmLabGuardian $script:g | Out-Null
        Stop-VmLabRecorder $script:recorder
    }

    It 'accepted the genuine request once' {
        $script:captured.signature | Should -Not -BeNullOrEmpty
        $script:first.Status | Should -Be 200
    }

    It 'refuses <Case> with <Status> (<Reason>), counts it, and both stores are unchanged' -ForEach @(
        @{ Case = 'a replay'; Status = 409; Reason = 'nonce-replayed'; Make = { @($script:captured.body, $script:captured.signature) } }
        @{ Case = 'a forged signature'; Status = 401; Reason = 'signature-invalid'; Make = { @($script:captured.body, ('A' * 86)) } }
        @{ Case = 'an unsigned request'; Status = 401; Reason = 'signature-missing'; Make = { @($script:captured.body, $null) } }
        @{ Case = 'an unknown sender'; Status = 403; Reason = 'unknown-sender'; Make = { @($script:captured.body.Replace($script:s.Did, $script:stranger.Did), $script:captured.signature) } }
        @{ Case = 'an oversize body'; Status = 413; Reason = 'body-too-large'; Make = { @(('{"pad":"' + ('x' * 100000) + '"}'), $script:captured.signature) } }
        @{ Case = 'a malformed body'; Status = 400; Reason = 'malformed-body'; Make = { @('{"type": ', $script:captured.signature) } }
    ) {
        $before = @{ g = Get-VmLabStoreDigest $script:g; s = Get-VmLabStoreDigest $script:s }
        $body, $signature = & $Make
        $r = Send-VmLabRequest $script:endpoint $body $signature
        $r.Status | Should -Be $Status
        $r.Reason | Should -Be $Reason
        (Invoke-RestMethod "$($script:g.Url)healthz").refused.$Reason | Should -BeGreaterOrEqual 1
        Get-VmLabStoreDigest $script:g | Should -Be $before.g
        Get-VmLabStoreDigest $script:s | Should -Be $before.s
    }
}

Describe 'The guardian''s /metrics' {
    BeforeAll {
        Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
        $script:tsa = Start-VmTestTsa
        $env:FEDERATION_ENABLED = '1'
        $rails = @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
        $script:a = New-VmLabNode -Name a -Setting $rails
        $script:b = New-VmLabNode -Name b -Setting $rails
        Connect-VmLabNode $script:a @($script:b)
        Connect-VmLabNode $script:b @($script:a)
        $script:batch = Use-VmLabNode $script:a { Add-VmMemory -Type event -Component scrape -Version 1 | Out-Null; Invoke-VmSeal }
        Start-VmLabGuardian $script:a
        # b takes the batch, then a and b each anchor it on the TSA: two receipts of one root.
        Use-VmLabNode $script:b { (Sync-VmFederation -Name a).Ok | Should -BeTrue }
        $env:ANCHOR_WRITE_ENABLED = '1'
        try { foreach ($n in $script:a, $script:b) { Use-VmLabNode $n { Submit-VmAnchor -BatchId $script:batch.BatchId -Rail Tsa | Out-Null } } }
        finally { Remove-Item Env:ANCHOR_WRITE_ENABLED }
        # b's guardian syncs at start: it takes a's receipt and resolves the conflict.
        Start-VmLabGuardian $script:b -SyncIntervalSeconds 3600
        $script:scrape = Wait-VmLabCondition -What 'b''s /metrics counts the conflict its sync resolved' {
            $r = Invoke-WebRequest -Uri "$($script:b.Url)metrics"
            if ($r.Content -match '(?m)^vaultmesh_conflict_resolved_total 1$') { $r }
        }
    }

    AfterAll {
        foreach ($n in $script:a, $script:b) { if ($n) { Stop-VmLabGuardian $n | Out-Null } }
        if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    }

    It 'serves the metrics server''s scrape on its own listener, which promtool accepts' {
        $script:scrape.Headers['Content-Type'] | Should -Be 'text/plain; version=0.0.4; charset=utf-8'
        $file = Join-Path TestDrive: 'guardian-scrape.txt'
        Set-Content -LiteralPath $file -Value $script:scrape.Content -NoNewline
        $lint = Get-Content -Raw -LiteralPath $file | & promtool check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$lint"
        $text = $script:scrape.Content
        $text | Should -Match '(?m)^vaultmesh_batches_sealed_total 1$'
        $text | Should -Match '(?m)^vaultmesh_anchors\{chain="TSA",network="[^"]+",state="finalized",status="verified"\} 2$'
        $text | Should -Match '(?m)^vaultmesh_kill_switch_enabled\{switch="FEDERATION_ENABLED"\} 1$'
        $text | Should -Match '(?m)^vaultmesh_build_info\{profile="default",'
        Use-VmLabNode $script:b { (Get-VmMetric vaultmesh_conflict_resolved_total).Value | Should -Be 1 }
    }

    It 'answers only GET: a POST to /metrics is a 405' {
        $r = Send-VmLabRequest "$($script:b.Url)metrics" '{}' $null
        $r.Status | Should -Be 405
        $r.Reason | Should -Be 'method-not-allowed'
    }
}

Describe 'A guardian with FEDERATION_ENABLED=0' {
    It 'answers the federation API with 503 and still serves /healthz and /metrics' {
        $node = New-VmLabNode -Name off
        Start-VmLabGuardian $node -Environment @{ FEDERATION_ENABLED = '0' }
        try {
            $before = Get-VmLabStoreDigest $node
            $r = Send-VmLabRequest "$($node.Url)federation/v1/batches" '{}' 'AAAA'
            $r.Status | Should -Be 503
            $r.Reason | Should -Be 'federation-disabled'
            (Invoke-RestMethod "$($node.Url)healthz").federationEnabled | Should -BeFalse
            Invoke-RestMethod "$($node.Url)metrics" | Should -Match '(?m)^vaultmesh_kill_switch_enabled\{switch="FEDERATION_ENABLED"\} 0$'
            Get-VmLabStoreDigest $node | Should -Be $before
        }
        finally { Stop-VmLabGuardian $node | Out-Null }
    }
}

Describe 'SIGTERM while a sync is running' {
    It 'stops within 5 seconds, the store passes integrity_check, and the next sync completes' {
        $env:FEDERATION_ENABLED = '1'
        $origin = New-VmLabNode -Name origin
        $node = New-VmLabNode -Name node
        Use-VmLabNode $origin { 1..3 | ForEach-Object { Add-VmMemory -Type event -Component term -Version $_ | Out-Null; Invoke-VmSeal | Out-Null } }
        Connect-VmLabNode $origin @($node)
        Connect-VmLabNode $node @($origin)
        # A peer that accepts connections and never answers keeps the guardian's sync running.
        $stall = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $stall.Start()
        try {
            Use-VmLabNode $node { Add-VmPeer -Name stall -Did $origin.Did -Endpoint "http://127.0.0.1:$($stall.LocalEndpoint.Port)/" -Weight 0 }
            Start-VmLabGuardian $origin
            Start-VmLabGuardian $node -SyncIntervalSeconds 3600
            $null = Wait-VmLabCondition -What 'the guardian imported the origin''s batches' { (Invoke-VmLabSql $node 'SELECT count(*) FROM batches') -eq '3' }
            $null = Wait-VmLabCondition -What 'the guardian is waiting on the stalled peer' { $stall.Pending() }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-VmLabGuardian $node -TimeoutSeconds 5 | Should -BeTrue
            $watch.Stop()
            $node.Process.ExitCode | Should -Be 0
            $node.Log.Out.Result | Should -Match 'stopping'
            Invoke-VmLabSql $node 'PRAGMA integrity_check;' | Should -Be 'ok'
            Invoke-VmLabSql $node 'SELECT count(*) FROM batches' | Should -Be '3'
            Use-VmLabNode $node {
                Remove-VmPeer -Name stall
                $next = Sync-VmFederation
                $next.Result | Should -Be 'ok'
                $next.Lag | Should -Be 0
            }
            Write-Host "SIGTERM to exit: $($watch.ElapsedMilliseconds) ms"
        }
        finally {
            $stall.Stop()
            Stop-VmLabGuardian $origin | Out-Null
            Stop-VmLabGuardian $node | Out-Null
        }
    }
}
