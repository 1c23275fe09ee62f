BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'FederationLab.ps1')
    . (Join-Path $script:RepoRoot 'tests/TestServers/VmTestAnvil.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
    $script:anvil = Start-VmTestAnvil
    $env:VM_TEST_EVM_KEY = $script:anvil.DevKey
    $script:Rails = @{
        'rails.tsa.url'            = $script:tsa.Url
        'rails.tsa.trust_bundle'   = $script:tsa.TrustBundle
        'rails.evm.url'            = $script:anvil.Url
        'rails.evm.chain_id'       = 31337
        'rails.evm.to'             = '0x000000000000000000000000000000000000dEaD'
        'rails.evm.key_env'        = 'VM_TEST_EVM_KEY'
        'rails.evm.required_depth' = 1
    }
    $script:Guardian = @{ VM_TEST_EVM_KEY = $script:anvil.DevKey }
    $script:SyncType = 'VaultMesh.PowerShell.Commands.SyncVmFederationCommand'
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    if ($script:anvil) { Stop-VmTestAnvil $script:anvil }
    Remove-Item Env:FEDERATION_ENABLED, Env:ANCHOR_WRITE_ENABLED, Env:VM_TEST_EVM_KEY -ErrorAction SilentlyContinue
}

Describe 'Three guardians with conflicting anchors converge' {
    BeforeEach {
        $env:FEDERATION_ENABLED = '1'
        $script:nodes = [ordered]@{}
        foreach ($name in 'a', 'b', 'c') { $script:nodes[$name] = New-VmLabNode -Name $name -Setting $script:Rails }
        foreach ($n in $script:nodes.Values) { Connect-VmLabNode $n @($script:nodes.Values | Where-Object Name -NE $n.Name) }
        foreach ($n in $script:nodes.Values) { Start-VmLabGuardian $n -Environment $script:Guardian }
        $a = $script:nodes['a']; $b = $script:nodes['b']; $c = $script:nodes['c']
        $script:batch = Use-VmLabNode $a {
            1..3 | ForEach-Object { Add-VmMemory -Type deployment -Component lab -Version "1.$_" -Payload @{ n = $_ } } | Out-Null
            Invoke-VmSeal
        }
        # b and c take the batch from a, then each anchors it its own way: c on the TSA first
        # (the earlier token), a on the TSA later, b on the shared Anvil.
        foreach ($n in $b, $c) { Use-VmLabNode $n { (Sync-VmFederation -Name a).Ok | Should -BeTrue } }
        $env:ANCHOR_WRITE_ENABLED = '1'
        try {
            Use-VmLabNode $c { Submit-VmAnchor -BatchId $script:batch.BatchId -Rail Tsa | Out-Null }
            Use-VmLabNode $a { Submit-VmAnchor -BatchId $script:batch.BatchId -Rail Tsa | Out-Null }
            Use-VmLabNode $b {
                Submit-VmAnchor -BatchId $script:batch.BatchId -Rail Evm | Out-Null
                Test-VmAnchor -BatchId $script:batch.BatchId | Should -BeTrue
            }
        }
        finally { Remove-Item Env:ANCHOR_WRITE_ENABLED }
        $script:before = @{}
        foreach ($n in $script:nodes.Values) {
            $script:before[$n.Name] = Use-VmLabNode $n { @(Get-VmMetric -Name vaultmesh_conflict_resolved_total).ForEach('Value') | Measure-Object -Sum | ForEach-Object Sum }
        }
    }

    AfterEach {
        foreach ($n in $script:nodes.Values) { Stop-VmLabGuardian $n | Out-Null }
    }

    It 'ends with byte-identical canonical receipts when they sync in the order <Order>' -ForEach @(
        @{ Order = 'a, b, c each from both peers'; Steps = @(@('a', 'b'), @('a', 'c'), @('b', 'a'), @('b', 'c'), @('c', 'a'), @('c', 'b')) }
        @{ Order = 'c, b, a each from both peers'; Steps = @(@('c', 'b'), @('c', 'a'), @('b', 'c'), @('b', 'a'), @('a', 'c'), @('a', 'b')) }
        @{ Order = 'a ring b to a, c to b, a to c, b to a'; Steps = @(@('b', 'a'), @('c', 'b'), @('a', 'c'), @('b', 'a')) }
    ) {
        foreach ($step in $Steps) {
            $result = Use-VmLabNode $script:nodes[$step[0]] { Sync-VmFederation -Name $step[1] }
            $result.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.PeerSyncResult'
            $result.Ok | Should -BeTrue -Because ($result.Problems -join ' ')
        }
        $canonical = @{}
        $replays = @{}
        $stored = @{}
        foreach ($n in $script:nodes.Values) {
            Use-VmLabNode $n {
                $anchors = @(Get-VmAnchor -BatchId $script:batch.BatchId)
                $anchors.Count | Should -Be 3 -Because "node $($n.Name) holds all three receipts"
                $stored[$n.Name] = ($anchors | ForEach-Object { $_.Json | ConvertTo-VmCanonicalJson } | Sort-Object) -join "`n"
                $manifest = Join-Path $n.Home 'manifest.json'
                Export-VmBatchManifest -BatchId $script:batch.BatchId -Path $manifest | Out-Null
                $replay = Invoke-VmReplay -Path $manifest -LeafPath ($manifest -replace '\.json$', '.leaves.ndjson')
                $replay.Ok | Should -BeTrue
                $replay.Roots[0].CandidateCount | Should -Be 3
                $replay.Roots[0].MatchesLeaves | Should -BeTrue
                $replays[$n.Name] = $replay.Canonical
                $canonical[$n.Name] = $replay.Roots[0].Winner.Json.GetRawText() | ConvertTo-VmCanonicalJson
                $after = @(Get-VmMetric -Name vaultmesh_conflict_resolved_total).ForEach('Value') | Measure-Object -Sum | ForEach-Object Sum
                $after | Should -BeGreaterThan $script:before[$n.Name] -Because "node $($n.Name) resolved a conflict while syncing"
            }
        }
        $canonical['a'] | Should -BeExactly $canonical['b']
        $canonical['b'] | Should -BeExactly $canonical['c']
        ($canonical['a'] | ConvertFrom-Json).chain | Should -Be 'EVM'
        $replays['a'] | Should -BeExactly $replays['b']
        $replays['b'] | Should -BeExactly $replays['c']
        $stored['a'] | Should -BeExactly $stored['b']
        $stored['b'] | Should -BeExactly $stored['c']
    }
}

Describe 'Sync-VmFederation' {
    BeforeEach {
        $env:FEDERATION_ENABLED = '1'
        $script:origin = New-VmLabNode -Name origin
        $script:local = New-VmLabNode -Name local
        Connect-VmLabNode $script:origin @($script:local)
        Connect-VmLabNode $script:local @($script:origin)
        Use-VmLabNode $script:origin { 1..3 | ForEach-Object { Add-VmMemory -Type event -Component sync -Version $_ } | Out-Null; Invoke-VmSeal | Out-Null }
        Start-VmLabGuardian $script:origin
    }

    AfterEach { Stop-VmLabGuardian $script:origin | Out-Null }

    It 'syncs peers piped from Get-VmPeer and records the last sync on the peer' {
        Use-VmLabNode $script:local {
            $r = Get-VmPeer | Sync-VmFederation
            $r.Name | Should -Be 'origin'
            $r.Result | Should -Be 'ok'
            $r.BatchesImported | Should -Be 1
            @(Get-VmBatch).Count | Should -Be 1
            Get-VmMemory | Test-VmMemory | Should -Not -Contain $false
            $peer = Get-VmPeer -Name origin
            $peer.LastResult | Should -Be 'ok'
            $peer.Lag | Should -Be 0
            $peer.LastSyncAt | Should -Not -BeNullOrEmpty
        }
    }

    It 'changes nothing with -WhatIf' {
        Use-VmLabNode $script:local {
            Get-VmPeer | Out-Null
            $before = Get-VmLabStoreDigest $script:local
            Sync-VmFederation -WhatIf | Should -BeNullOrEmpty
            Get-VmLabStoreDigest $script:local | Should -Be $before
            @(Get-VmBatch).Count | Should -Be 0
        }
    }

    It 'runs as vm federation sync with the JSON envelope' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'sync', 'origin' -Environment @{ VAULTMESH_HOME = $script:local.Home; FEDERATION_ENABLED = '1' }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.action | Should -Be 'federation.sync'
        $doc.ok | Should -BeTrue
        $doc.data[0].Result | Should -Be 'ok'
    }

    It 'quarantines a peer whose leaves do not hash to its root, keeps the evidence and leaves the view unchanged' {
        # The origin's operator edits a sealed memory behind VaultMesh's back.
        & sqlite3 $script:origin.Database "DROP TRIGGER memories_append_only_update; UPDATE memories SET leaf = CAST(replace(CAST(leaf AS TEXT), '""sync""', '""SYNC""') AS BLOB) WHERE seq = 2;"
        $LASTEXITCODE | Should -Be 0
        Use-VmLabNode $script:local {
            $r = Sync-VmFederation -ErrorVariable e -ErrorAction SilentlyContinue
            $r.Result | Should -Be 'quarantined'
            $e[0].FullyQualifiedErrorId | Should -Be "VmFederationPeerQuarantined,$script:SyncType"
            @(Get-VmBatch).Count | Should -Be 0
            @(Get-VmMemory).Count | Should -Be 0
            $q = Get-VmQuarantine
            $q.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.QuarantineRecord'
            $q.Reason | Should -Be 'root-mismatch'
            $q.Name | Should -Be 'origin'
            $q.Evidence | Should -Match 'signature'
            (Get-VmPeer -Name origin).Quarantined | Should -BeTrue
            ((Get-VmMetric -Name vaultmesh_federation_quarantined_total).Value) | Should -Be 1
        }
    }

    It 'names a peer the profile does not have' {
        Use-VmLabNode $script:local {
            Sync-VmFederation -Name nobody -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be "VmFederationPeerNotFound,$script:SyncType"
        }
    }
}

Describe 'A node that synced from two peers keeps their batches as mirrors of their logs' {
    BeforeEach {
        $env:FEDERATION_ENABLED = '1'
        $script:alpha = New-VmLabNode -Name alpha
        $script:beta = New-VmLabNode -Name beta
        $script:local = New-VmLabNode -Name local
        Connect-VmLabNode $script:local @($script:alpha, $script:beta)
        foreach ($peer in $script:alpha, $script:beta) { Connect-VmLabNode $peer @($script:local) }
        Use-VmLabNode $script:local { Add-VmMemory -Type event -Component mine -Version 1 | Out-Null; Invoke-VmSeal | Out-Null }
        Use-VmLabNode $script:alpha { 1..2 | ForEach-Object { Add-VmMemory -Type event -Component alpha -Version $_ } | Out-Null; Invoke-VmSeal | Out-Null }
        Use-VmLabNode $script:beta {
            1..3 | ForEach-Object { Add-VmMemory -Type event -Component beta -Version $_ } | Out-Null; Invoke-VmSeal | Out-Null
            Add-VmMemory -Type event -Component beta -Version 4 | Out-Null; Invoke-VmSeal | Out-Null
        }
        $script:betaOrigin = Use-VmLabNode $script:beta { (Get-VmCheckpoint).Origin }
        foreach ($peer in $script:alpha, $script:beta) { Start-VmLabGuardian $peer }
        Use-VmLabNode $script:local { foreach ($r in Sync-VmFederation) { $r.Ok | Should -BeTrue -Because ($r.Problems -join ' ') } }
    }

    AfterEach { foreach ($peer in $script:alpha, $script:beta) { Stop-VmLabGuardian $peer | Out-Null } }

    It 'passes Test-VmCheckpoint and Invoke-VmAudit, and its own log holds only what it sealed' {
        Use-VmLabNode $script:local {
            $r = Test-VmCheckpoint -Detailed
            $r.Valid | Should -BeTrue -Because "$($r.FailedCheck): $($r.Reason)"
            $r.Size | Should -Be 1
            ($r.Checks | Where-Object Name -EQ 'mirrors').Detail | Should -Match ([regex]::Escape($script:betaOrigin))
            ($r.Checks | Where-Object Name -EQ 'cosignatures').Passed | Should -BeTrue
            (Invoke-VmAudit -Check log)[0].Status | Should -Be 'pass'
            @(Get-VmBatch).Count | Should -Be 4
            Get-VmMemory | Test-VmMemory | Should -Not -Contain $false
        }
    }

    It 'fails Test-VmCheckpoint and Invoke-VmAudit, naming the peer''s log, when one mirrored leaf is altered' {
        $sql = "DROP TRIGGER memories_append_only_update; UPDATE memories SET leaf = CAST(replace(CAST(leaf AS TEXT), '""beta""', '""BETA""') AS BLOB) WHERE component = 'beta' AND version = '2';"
        & sqlite3 $script:local.Database $sql
        $LASTEXITCODE | Should -Be 0
        Use-VmLabNode $script:local {
            $r = Test-VmCheckpoint -Detailed
            $r.FailedCheck | Should -Be 'mirrors'
            $r.Reason | Should -Match ([regex]::Escape($script:betaOrigin))
            $r.Reason | Should -Match ([regex]::Escape($script:beta.Did))
            $audit = Invoke-VmAudit -Check log -ErrorAction SilentlyContinue
            $audit[0].Status | Should -Be 'fail'
            $audit[0].Detail | Should -Match ([regex]::Escape($script:betaOrigin))
        }
    }

    It 'fails Test-VmCheckpoint when a stored cosignature is altered' {
        $line = Invoke-VmLabSql $script:local 'SELECT line FROM checkpoint_cosignatures LIMIT 1'
        $line | Should -Not -BeNullOrEmpty
        $parts = $line -split ' '
        $bytes = [Convert]::FromBase64String($parts[-1])
        $bytes[20] = $bytes[20] -bxor 1
        $forged = ($parts[0..($parts.Count - 2)] + [Convert]::ToBase64String($bytes)) -join ' '
        & sqlite3 $script:local.Database "DROP TRIGGER checkpoint_cosignatures_append_only_update; UPDATE checkpoint_cosignatures SET line = '$forged' WHERE line = '$line';"
        $LASTEXITCODE | Should -Be 0
        Use-VmLabNode $script:local {
            (Test-VmCheckpoint -Detailed).FailedCheck | Should -Be 'cosignatures'
            (Invoke-VmAudit -Check log -ErrorAction SilentlyContinue)[0].Status | Should -Be 'fail'
        }
    }
}

Describe 'Sync-VmFederation with FEDERATION_ENABLED=0' {
    BeforeAll { $script:recorder = Start-VmLabRecorder }
    AfterAll { Stop-VmLabRecorder $script:recorder }

    It 'makes no request, and the same sync with federation on does reach the peer' {
        $node = New-VmLabNode -Name quiet
        Use-VmLabNode $node {
            Add-VmPeer -Name recorder -Did $node.Did -Endpoint $script:recorder.Url
            $env:FEDERATION_ENABLED = '0'
            { Sync-VmFederation -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationDisabled,$script:SyncType"
            $r = Invoke-VmLauncher -ArgumentList 'federation', 'sync' -Environment @{ VAULTMESH_HOME = $node.Home; FEDERATION_ENABLED = '0' }
            $r.ExitCode | Should -Be 1
            Get-VmLabRecorded $script:recorder | Should -BeNullOrEmpty
            $env:FEDERATION_ENABLED = '1'
            $failed = Sync-VmFederation -ErrorAction SilentlyContinue
            $failed.Result | Should -Be 'failed'
            $seen = Get-VmLabRecorded $script:recorder
            $seen.Count | Should -Be 1
            $seen[0].path | Should -Be '/federation/v1/batches'
            $seen[0].signature | Should -Not -BeNullOrEmpty
        }
    }
}
