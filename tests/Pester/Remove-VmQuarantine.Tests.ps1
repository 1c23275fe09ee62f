# The cmdlet's surface against a store holding a quarantine; the real quarantine (a forked guardian
# caught by two witnesses) and its release are in Witnessing.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Type = 'VaultMesh.PowerShell.Commands.RemoveVmQuarantineCommand'
    $script:Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    $script:Other = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH'

    function Get-VmTestDatabase { Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db' }

    function Get-VmTestDigest {
        $dump = & sqlite3 -readonly (Get-VmTestDatabase) .dump
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(($dump -join "`n"))))
    }
}

Describe 'Remove-VmQuarantine' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Add-VmPeer -Name alpha -Did $script:Did -Endpoint 'http://127.0.0.1:9001/'
        Add-VmPeer -Name beta -Did $script:Other -Endpoint 'http://127.0.0.1:9002/'
        Get-VmQuarantine | Should -BeNullOrEmpty
        # Two pieces of evidence against alpha, as a sync or the witness keeps them.
        & sqlite3 (Get-VmTestDatabase) @"
INSERT INTO federation_peers (did, quarantined) VALUES ('$script:Did', 1);
INSERT INTO federation_quarantine (peer_did, peer_name, reason, batch_id, detail, evidence, at)
VALUES ('$script:Did', 'alpha', 'split-view', NULL, 'two roots at size 5', '{"n":1}', '2026-07-01T00:00:00.000Z'),
       ('$script:Did', 'alpha', 'root-mismatch', 'vmb-1-0000000000000000', 'leaves', '{"n":2}', '2026-07-01T00:00:01.000Z');
"@
        $LASTEXITCODE | Should -Be 0
    }

    It 'releases a peer piped from Get-VmQuarantine once, on the record, and keeps the evidence' {
        $release = Get-VmQuarantine | Remove-VmQuarantine -Reason 'reviewed the fork' -PassThru
        @($release).Count | Should -Be 1
        $release.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.QuarantineRelease'
        $release.EvidenceDigests.Count | Should -Be 2
        $release.NodeDid | Should -BeNullOrEmpty
        $memory = Get-VmMemory -Type federation.quarantine.released
        $memory.Id | Should -Be $release.MemoryId
        $memory.Actor | Should -Be ([Environment]::UserName)
        ($memory.Payload | ConvertFrom-Json).evidence.digest | Should -Be $release.EvidenceDigests
        (Get-VmPeer -Name alpha).Quarantined | Should -BeFalse
        Get-VmQuarantine | Should -BeNullOrEmpty
        @(Get-VmQuarantine -IncludeReleased).ReleasedBy | Should -Be @($release.MemoryId, $release.MemoryId)
        ($release | Format-Table | Out-String) | Should -Match 'alpha'
    }

    It 'releases by did:key' {
        Remove-VmQuarantine -Name $script:Did -Reason 'by did' -Confirm:$false
        (Get-VmPeer -Name alpha).Quarantined | Should -BeFalse
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-VmTestDigest
        Remove-VmQuarantine -Name alpha -Reason 'not yet' -WhatIf
        Get-VmTestDigest | Should -Be $before
        (Get-VmPeer -Name alpha).Quarantined | Should -BeTrue
    }

    It 'names an unknown peer and a peer that is not quarantined, recording nothing' {
        $before = Get-VmTestDigest
        { Remove-VmQuarantine -Name nobody -Reason x -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationPeerNotFound,$script:Type"
        { Remove-VmQuarantine -Name beta -Reason x -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationPeerNotQuarantined,$script:Type"
        Get-VmTestDigest | Should -Be $before
    }

    It 'runs as vm federation quarantine release' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'quarantine', 'release', 'alpha', '--reason', 'reviewed' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        ($r.StdOut | ConvertFrom-Json).action | Should -Be 'federation.quarantine.release'
        (Get-VmPeer -Name alpha).Quarantined | Should -BeFalse
        (Get-VmMemory -Type federation.quarantine.released).Payload | Should -Match 'reviewed'
    }
}
