BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Type = 'VaultMesh.PowerShell.Commands.AddVmPeerCommand'
    $script:Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
}

Describe 'Add-VmPeer' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'adds a peer to the profile, merged with other settings' {
        Set-VmConfiguration -Region eu-west
        $p = Add-VmPeer -Name peer-a -Did $script:Did -Endpoint 'http://127.0.0.1:9111/' -Weight 3 -PassThru
        $p.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.PeerRecord'
        $p.Name | Should -Be 'peer-a'
        $p.Did | Should -Be $script:Did
        $p.Weight | Should -Be 3
        $p.Trusted | Should -BeTrue
        $settings = (Get-VmConfiguration).Settings
        $settings['peers.peer-a.did'] | Should -Be $script:Did
        $settings['region'] | Should -Be 'eu-west'
    }

    It 'binds peers from the pipeline by property name' {
        @(
            [pscustomobject]@{ Name = 'one'; Did = $script:Did; Endpoint = 'http://127.0.0.1:9001/' }
            [pscustomobject]@{ Name = 'two'; Did = $script:Did; Endpoint = 'http://127.0.0.1:9002/' }
        ) | Add-VmPeer
        (Get-VmPeer).Name | Should -Be @('one', 'two')
    }

    It 'refuses <Case> with <Id> and writes nothing' -ForEach @(
        @{ Case = 'a bad name'; Name = 'Bad Name'; Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'; Endpoint = 'http://127.0.0.1:1/'; Id = 'VmFederationPeerInvalid' }
        @{ Case = 'a DID that is not an Ed25519 did:key'; Name = 'x'; Did = 'did:web:example.com'; Endpoint = 'http://127.0.0.1:1/'; Id = 'VmFederationDidInvalid' }
        @{ Case = 'a non-HTTP endpoint'; Name = 'x'; Did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'; Endpoint = 'ftp://127.0.0.1/'; Id = 'VmFederationPeerInvalid' }
    ) {
        { Add-VmPeer -Name $Name -Did $Did -Endpoint $Endpoint -ErrorAction Stop } | Should -Throw -ErrorId "$Id,$script:Type"
        Get-VmPeer | Should -BeNullOrEmpty
    }

    It 'refuses to replace a peer without -Force' {
        Add-VmPeer -Name a -Did $script:Did -Endpoint 'http://127.0.0.1:1/'
        { Add-VmPeer -Name a -Did $script:Did -Endpoint 'http://127.0.0.1:2/' -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationPeerExists,$script:Type"
        Add-VmPeer -Name a -Did $script:Did -Endpoint 'http://127.0.0.1:2/' -Force
        (Get-VmPeer -Name a).Endpoint | Should -Be 'http://127.0.0.1:2/'
    }

    It 'writes nothing with -WhatIf' {
        Add-VmPeer -Name a -Did $script:Did -Endpoint 'http://127.0.0.1:1/' -WhatIf
        Test-Path (Join-Path $env:VAULTMESH_HOME 'config.toml') | Should -BeFalse
    }

    It 'runs as vm federation peers add' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'peers', 'add', 'b', $script:Did, 'http://127.0.0.1:3/', '--weight', '2' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        ($r.StdOut | ConvertFrom-Json).action | Should -Be 'federation.peers.add'
        (Get-VmPeer -Name b).Weight | Should -Be 2
    }
}
