BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Type = 'VaultMesh.PowerShell.Commands.NewVmIdentityCommand'
}

Describe 'New-VmIdentity' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'creates an owner-only Ed25519 key, sets did_key_id and never prints the key' {
        $id = New-VmIdentity
        $id.GetType().FullName | Should -Be 'VaultMesh.Core.Federation.IdentityRecord'
        $id.Did | Should -Match '^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$'
        $id.VKey | Should -Match '^vaultmesh-guardian-default\+[0-9a-f]{8}\+'
        $id.Adopted | Should -BeFalse
        (Get-Item $id.KeyPath).Length | Should -Be 32
        (Get-Item $id.KeyPath).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Item (Split-Path $id.KeyPath)).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        (Get-VmConfiguration).DidKeyId | Should -Be $id.Did
        $seed = [Convert]::ToHexString([IO.File]::ReadAllBytes($id.KeyPath))
        ($id | Out-String) | Should -Not -Match $seed
        ($id | ConvertTo-Json) | Should -Not -Match $seed
    }

    It 'refuses to replace an existing identity without -Force and replaces it with -Force' {
        $first = New-VmIdentity
        { New-VmIdentity -ErrorAction Stop } | Should -Throw -ErrorId "VmFederationIdentityExists,$script:Type"
        (Get-VmConfiguration).DidKeyId | Should -Be $first.Did
        $second = New-VmIdentity -Force
        $second.Did | Should -Not -Be $first.Did
        (Get-VmConfiguration).DidKeyId | Should -Be $second.Did
    }

    It 'refuses -Force while the log holds checkpoints its key signed, and keeps that key' {
        $first = New-VmIdentity
        Add-VmMemory -Type event -Component identity -Version 1 | Out-Null
        Invoke-VmSeal | Out-Null
        $checkpoint = Get-VmCheckpoint
        $seed = [IO.File]::ReadAllBytes($first.KeyPath)
        $err = { New-VmIdentity -Force -ErrorAction Stop } | Should -Throw -ErrorId "VmIdentityKeySignedLog,$script:Type" -PassThru
        $err.Exception.Message | Should -Match 'checkpoint'
        $err.Exception.Message | Should -Match 'new profile'
        [IO.File]::ReadAllBytes($first.KeyPath) | Should -Be $seed
        (Get-VmConfiguration).DidKeyId | Should -Be $first.Did
        Test-VmCheckpoint -Note $checkpoint.Note -Vkey $checkpoint.Vkey | Should -BeTrue
        Add-VmMemory -Type event -Component identity -Version 2 | Out-Null
        Invoke-VmSeal | Out-Null
        Test-VmCheckpoint | Should -BeTrue
        (Get-VmCheckpoint).Vkey | Should -Be $checkpoint.Vkey
    }

    It 'refuses a new key while the log holds checkpoints and the key that signed them is missing' {
        $first = New-VmIdentity
        Add-VmMemory -Type event -Component identity -Version 1 | Out-Null
        Invoke-VmSeal | Out-Null
        Move-Item $first.KeyPath "$($first.KeyPath).bak"
        { New-VmIdentity -Force -ErrorAction Stop } | Should -Throw -ErrorId "VmNodeKeyMissing,$script:Type"
        Test-Path $first.KeyPath | Should -BeFalse
    }

    It 'adopts a key file that exists when the profile names no identity' {
        $first = New-VmIdentity
        Set-VmConfiguration -DidKeyId 'none'
        $adopted = New-VmIdentity
        $adopted.Adopted | Should -BeTrue
        $adopted.Did | Should -Be $first.Did
    }

    It 'writes nothing with -WhatIf' {
        New-VmIdentity -WhatIf | Should -BeNullOrEmpty
        Get-ChildItem -Recurse $env:VAULTMESH_HOME -File | Should -BeNullOrEmpty
    }

    It 'runs as vm federation identity' {
        $r = Invoke-VmLauncher -ArgumentList 'federation', 'identity' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.action | Should -Be 'federation.identity'
        $doc.data.Did | Should -Match '^did:key:z6Mk'
        $again = Invoke-VmLauncher -ArgumentList 'federation', 'identity' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $again.ExitCode | Should -Be 1
        ($again.StdOut | ConvertFrom-Json).errors[0].id | Should -Be 'VmFederationIdentityExists'
    }
}
