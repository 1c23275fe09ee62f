BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
}

AfterAll {
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED -ErrorAction SilentlyContinue
}

Describe 'Update-VmAnchor anchors the newest checkpoint on a real OpenSSL TSA' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:ANCHOR_WRITE_ENABLED -ErrorAction SilentlyContinue
        Set-VmConfiguration -Profile default -Setting @{ 'rails.tsa.url' = $script:tsa.Url; 'rails.tsa.trust_bundle' = $script:tsa.TrustBundle }
        $script:first = $null
        foreach ($seal in 1..10) {
            $m = 1..$seal | ForEach-Object { Add-VmMemory -Type event -Component anchor-log -Version "$seal.$_" }
            if ($seal -eq 1) { $script:first = $m }
            Invoke-VmSeal | Out-Null
        }
    }

    It 'changes nothing with -WhatIf, and only warns while ANCHOR_WRITE_ENABLED is off' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        Update-VmAnchor -WhatIf | Should -BeNullOrEmpty
        Get-VmAnchor | Should -BeNullOrEmpty
        Remove-Item Env:ANCHOR_WRITE_ENABLED
        $report = Update-VmAnchor -WarningVariable w -WarningAction SilentlyContinue
        $report.Reanchored | Should -BeNullOrEmpty
        ($w -join "`n") | Should -Match 'log size 55 is not anchored'
        Get-VmAnchor | Should -BeNullOrEmpty
    }

    It 'anchors the root of the newest checkpoint once, and Get-VmAnchor shows the size it covers' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        $report = Update-VmAnchor
        $report.GetType().FullName | Should -Be 'VaultMesh.Core.Anchoring.ReconcileReport'
        $report.Reanchored.Count | Should -Be 1
        $a = Get-VmAnchor
        $a.LogSize | Should -Be 55
        $a.Root | Should -Be ('0x' + (Get-VmCheckpoint).Root)
        $a.BatchId | Should -Be (Get-VmBatch -First 1).BatchId
        (Update-VmAnchor).Reanchored | Should -BeNullOrEmpty
        @(Get-VmAnchor).Count | Should -Be 1
    }

    It 'proves a memory of the first seal against the anchor made after the tenth, offline, with an empty VAULTMESH_HOME' {
        $env:ANCHOR_WRITE_ENABLED = '1'
        Update-VmAnchor | Out-Null
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('vmout-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $export = Export-VmProofBundle -Id $script:first.Id -Path $dir
        $export.LogIndex | Should -Be 0
        $export.TlogProofPath | Should -Exist
        (Get-Content -Raw $export.TlogProofPath) | Should -BeLike "c2sp.org/tlog-proof@v1`nindex 0`n`n$((Get-VmCheckpoint -Size 1).Note)"
        $vkey = (Get-VmCheckpoint).Vkey
        $empty = New-VmTestHome
        $script = @"
`$r = Test-VmProofBundle -Path '$($export.Path)' -TrustBundle '$($script:tsa.TrustBundle)' -Vkey '$vkey' -Detailed
"`$(`$r.Valid)|`$(`$r.Status)|`$(`$r.LogSize)|`$(`$r.AnchorsVerified)"
(Get-ChildItem -Force '$empty' | Measure-Object).Count
"@
        $child = Invoke-VmChildPwsh -Script $script -Environment @{ VAULTMESH_HOME = $empty }
        $child.ExitCode | Should -Be 0
        $lines = $child.StdOut.Trim() -split "`r?`n"
        $lines[0] | Should -Be 'True|ProvenAnchored|55|1'
        $lines[1] | Should -Be '0'
        # The same bundle checked against another node's key proves nothing.
        $other = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
        Test-VmProofBundle -Path $export.Path -TrustBundle $script:tsa.TrustBundle -Vkey $other | Should -BeFalse
    }
}
