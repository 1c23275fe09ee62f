BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:VERIFY_ENFORCE -ErrorAction SilentlyContinue
}

Describe 'Anchoring on a real OpenSSL TSA' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:VERIFY_ENFORCE -ErrorAction SilentlyContinue
        Set-VmConfiguration -Profile default -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
        1..3 | ForEach-Object { Add-VmMemory -Type event -Component anchor-test -Version $_ } | Out-Null
        $script:batch = Invoke-VmSeal
    }

    It 'refuses to submit while ANCHOR_WRITE_ENABLED is off and sends nothing' {
        { $script:batch | Submit-VmAnchor -Rail Tsa -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmAnchorWriteDisabled,VaultMesh.PowerShell.Commands.SubmitVmAnchorCommand'
        Get-VmAnchor | Should -BeNullOrEmpty
    }

    It 'shows what would be sent with -WhatIf and sends nothing' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        $script:batch | Submit-VmAnchor -Rail Tsa -WhatIf | Should -BeNullOrEmpty
        Get-VmAnchor | Should -BeNullOrEmpty
    }

    It 'anchors a sealed batch, stores a final receipt, and is idempotent per root and rail' {
        $env:ANCHOR_WRITE_ENABLED = 'yes'
        $a = $script:batch | Submit-VmAnchor -Rail Tsa
        $a.GetType().FullName | Should -Be 'VaultMesh.Core.Anchoring.AnchorRecord'
        $a.Chain | Should -Be 'TSA'
        $a.Root | Should -Be ('0x' + $script:batch.Root)
        $a.Status | Should -Be 'verified'
        $a.State | Should -Be 'finalized'
        $a.BatchId | Should -Be $script:batch.BatchId
        $a.Json | Test-VmReceipt | Should -BeTrue
        $again = Submit-VmAnchor -BatchId $script:batch.BatchId -Rail Tsa
        $again.TxRef | Should -Be $a.TxRef
        @(Get-VmAnchor).Count | Should -Be 1
        (Get-VmStatus).Anchors.Final | Should -Be 1
        $anchorCheck = (Get-VmMemory -First 1 | Test-VmMemory -Detailed).Checks | Where-Object Name -EQ 'anchor'
        $anchorCheck.Passed | Should -BeTrue
        $anchorCheck.Detail | Should -Match 'final on TSA'
    }

    It 'verifies stored, piped and file receipts, online and offline, and counts each verification' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        $a = Submit-VmAnchor -BatchId $script:batch.BatchId
        Test-VmAnchor -BatchId $script:batch.BatchId | Should -BeTrue
        $d = Get-VmAnchor | Test-VmAnchor -Detailed
        $d.GetType().FullName | Should -Be 'VaultMesh.Core.Anchoring.AnchorVerification'
        $d.State | Should -Be 'finalized'
        $d.ObservedDepth | Should -Be 0
        $d.RequiredDepth | Should -Be 0
        $d.CheckedAt | Should -Not -BeNullOrEmpty
        $file = Join-Path TestDrive: 'receipt.json'
        Set-Content -LiteralPath $file -Value $a.Json
        Test-VmAnchor -Path $file -Offline | Should -BeTrue
        $counters = Get-VmMetric
        ($counters | Where-Object { $_.Name -eq 'vaultmesh_anchor_verify_ok_total' -and $_.Labels['chain'] -eq 'TSA' }).Value | Should -Be 3
    }

    It 'fails a tampered receipt with a reason, as an error under VERIFY_ENFORCE and a warning without' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        $a = Submit-VmAnchor -BatchId $script:batch.BatchId
        $json = $a.Json | ConvertFrom-Json -AsHashtable -DateKind String
        $other = Add-VmMemory -Type event -Component other -Version 1 | ForEach-Object { Invoke-VmSeal }
        $json.root = '0x' + $other.Root
        $tampered = $json | ConvertTo-Json -Depth 10 -Compress
        $r = $tampered | Test-VmAnchor -Detailed -ErrorVariable e -ErrorAction SilentlyContinue
        $r.Valid | Should -BeFalse
        $r.Reason | Should -Be 'imprint-mismatch'
        $e[0].FullyQualifiedErrorId | Should -Be 'VmAnchorVerificationFailed,VaultMesh.PowerShell.Commands.TestVmAnchorCommand'
        $env:VERIFY_ENFORCE = '0'
        $tampered | Test-VmAnchor -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e2 | Should -BeFalse
        $e2 | Should -BeNullOrEmpty
        "$w" | Should -Match 'imprint-mismatch'
        (Get-VmMetric | Where-Object { $_.Name -eq 'vaultmesh_anchor_verify_fail_total' -and $_.Labels['reason'] -eq 'imprint-mismatch' }).Value | Should -Be 2
    }

    It 'reports an unreachable TSA as an error naming the URL and leaves the store unchanged' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        Set-VmConfiguration -Profile default -Setting @{ 'rails.tsa.url' = 'http://127.0.0.1:9/'; 'rails.tsa.timeout_seconds' = 2 }
        { Submit-VmAnchor -BatchId $script:batch.BatchId -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmTsaUnavailable,VaultMesh.PowerShell.Commands.SubmitVmAnchorCommand'
        Get-VmAnchor | Should -BeNullOrEmpty
    }

    It 'puts stored receipts into proof bundles that verify their TSA anchor offline with -TrustBundle' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        Submit-VmAnchor -BatchId $script:batch.BatchId | Out-Null
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $export = Get-VmMemory -First 1 | Export-VmProofBundle -Path $dir
        $auditor = New-VmTestHome
        $r = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = $auditor; NO_COLOR = '1' } -Script @"
`$with = Test-VmProofBundle -Path '$($export.Path)' -TrustBundle '$($script:tsa.TrustBundle)' -Detailed
`$without = Test-VmProofBundle -Path '$($export.Path)' -Detailed
"with=`$(`$with.Status)/`$(`$with.AnchorsVerified) without=`$(`$without.Status)"
"@
        $r.StdOut | Should -Match 'with=ProvenAnchored/1 without=ProvenAnchorNotChecked'
        (Get-ChildItem $auditor -Recurse -File) | Should -BeNullOrEmpty
        $bundle = Get-Content -Raw $export.Path | ConvertFrom-Json -AsHashtable -DateKind String
        $token = [Convert]::FromBase64String($bundle.anchors[0].evidence.token)
        $token[$token.Length - 5] = $token[$token.Length - 5] -bxor 0x01
        $bundle.anchors[0].evidence.token = [Convert]::ToBase64String($token)
        $tampered = $bundle | ConvertTo-Json -Depth 20
        $t = Test-VmProofBundle -Json $tampered -TrustBundle $script:tsa.TrustBundle -Detailed
        $t.Valid | Should -BeFalse
    }

    It 'runs through vm anchor submit, vm anchor list and vm audit verify' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        $s = vm anchor submit $script:batch.BatchId --rail tsa | ConvertFrom-Json -DateKind String
        $LASTEXITCODE | Should -Be 0
        $s.data[0].chain | Should -Be 'TSA'
        (vm anchor list | ConvertFrom-Json).data | Should -HaveCount 1
        $v = vm audit verify --detailed | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $v.data[0].state | Should -Be 'finalized'
        $r = vm anchor reconcile | ConvertFrom-Json
        $r.ok | Should -BeTrue
    }
}
