BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
}

Describe 'Get-VmPeer' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Add-VmPeer -Name alpha -Did $script:Did -Endpoint 'http://127.0.0.1:9001/'
        Add-VmPeer -Name beta -Did $script:Did -Endpoint 'http://127.0.0.1:9002/'
    }

    It 'lists peers, never synced yet, and filters by name with wildcards' {
        $all = Get-VmPeer
        $all.Count | Should -Be 2
        $all[0].GetType().FullName | Should -Be 'VaultMesh.Core.Federation.PeerRecord'
        $all[0].LastSyncAt | Should -BeNullOrEmpty
        $all[0].Quarantined | Should -BeFalse
        (Get-VmPeer -Name 'b*').Name | Should -Be 'beta'
        ([pscustomobject]@{ Name = 'alpha' } | Get-VmPeer).Name | Should -Be 'alpha'
    }

    It 'shows upstream federation_endpoints untrusted with a warning' {
        Set-VmConfiguration -FederationEndpoint 'https://legacy.example'
        $legacy = Get-VmPeer -WarningVariable w -WarningAction SilentlyContinue | Where-Object Trusted -EQ $false
        $legacy.Endpoint | Should -Be 'https://legacy.example'
        $legacy.Did | Should -BeNullOrEmpty
        $w[0].Message | Should -Match 'never trusted'
    }

    It 'runs as vm federation peers list' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'peers', 'list' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        (($r.StdOut | ConvertFrom-Json).data).Name | Should -Be @('alpha', 'beta')
    }
}
