BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Type = 'VaultMesh.PowerShell.Commands.RemoveVmPeerCommand'
    $script:Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
}

Describe 'Remove-VmPeer' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Add-VmPeer -Name alpha -Did $script:Did -Endpoint 'http://127.0.0.1:9001/'
        Add-VmPeer -Name beta -Did $script:Did -Endpoint 'http://127.0.0.1:9002/'
    }

    It 'removes a peer by name and one piped from Get-VmPeer' {
        Remove-VmPeer -Name alpha
        (Get-VmPeer).Name | Should -Be 'beta'
        Get-VmPeer -Name beta | Remove-VmPeer
        Get-VmPeer | Should -BeNullOrEmpty
    }

    It 'keeps the peer with -WhatIf' {
        Remove-VmPeer -Name alpha -WhatIf
        (Get-VmPeer).Count | Should -Be 2
    }

    It 'names a peer that does not exist' {
        { Remove-VmPeer -Name nobody -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationPeerNotFound,$script:Type"
    }

    It 'runs as vm federation peers remove' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'peers', 'remove', 'beta' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        (Get-VmPeer).Name | Should -Be 'alpha'
    }
}
