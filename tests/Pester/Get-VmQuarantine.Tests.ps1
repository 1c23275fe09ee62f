BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'FederationLab.ps1')
}

AfterAll { Remove-Item Env:FEDERATION_ENABLED -ErrorAction SilentlyContinue }

Describe 'Get-VmQuarantine' {
    BeforeAll {
        $env:FEDERATION_ENABLED = '1'
        $script:liar = New-VmLabNode -Name liar
        $script:node = New-VmLabNode -Name node
        Use-VmLabNode $script:liar { 1..2 | ForEach-Object { Add-VmMemory -Type event -Component q -Version $_ } | Out-Null; Invoke-VmSeal | Out-Null }
        & sqlite3 $script:liar.Database "DROP TRIGGER memories_append_only_update; UPDATE memories SET leaf = CAST(replace(CAST(leaf AS TEXT), '""q""', '""Q""') AS BLOB) WHERE seq = 1;"
        Connect-VmLabNode $script:liar @($script:node)
        Connect-VmLabNode $script:node @($script:liar)
        Start-VmLabGuardian $script:liar
        Use-VmLabNode $script:node { Sync-VmFederation -ErrorAction SilentlyContinue | Out-Null }
    }

    AfterAll { Stop-VmLabGuardian $script:liar | Out-Null }

    It 'shows the evidence of a quarantined peer, by name and from Get-VmPeer' {
        Use-VmLabNode $script:node {
            $q = Get-VmQuarantine -Name 'li*'
            $q.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.QuarantineRecord'
            $q.Did | Should -Be $script:liar.Did
            $q.Reason | Should -Be 'root-mismatch'
            $q.Detail | Should -Match 'hash to root'
            ($q.Evidence | ConvertFrom-Json).batch.signature | Should -Not -BeNullOrEmpty
            (Get-VmPeer -Name liar | Get-VmQuarantine).Sequence | Should -Be $q.Sequence
            Get-VmQuarantine -Name nobody | Should -BeNullOrEmpty
        }
    }

    It 'runs as vm federation quarantine' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'quarantine' -Environment @{ VAULTMESH_HOME = $script:node.Home }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.action | Should -Be 'federation.quarantine'
        $doc.data[0].Reason | Should -Be 'root-mismatch'
    }
}
