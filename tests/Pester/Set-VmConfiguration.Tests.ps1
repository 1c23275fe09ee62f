BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Set-VmConfiguration and Get-VmConfiguration' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        $config = Join-Path $env:VAULTMESH_HOME 'config.toml'
    }

    It 'writes two profiles one after the other and keeps a comment' {
        Set-Content -LiteralPath $config -Value "# written by the operator`n"
        Set-VmConfiguration -Profile lab -Region eu-west -FederationEndpoint 'https://a', 'https://b'
        Set-VmConfiguration -Profile prod -Region us-east -RemembrancerEndpoint 'http://127.0.0.1:8080'
        Get-Content -Raw $config | Should -Match '# written by the operator'
        $all = Get-VmConfiguration -All
        $all.Profile | Should -Be @('lab', 'prod')
        ($all | Where-Object Profile -EQ lab).FederationEndpoint | Should -Be @('https://a', 'https://b')
        ($all | Where-Object Profile -EQ prod).RemembrancerEndpoint | Should -Be 'http://127.0.0.1:8080'
    }

    It 'merges: unknown keys and other keys survive an update' {
        Set-Content -LiteralPath $config -Value "[profiles.lab]`nregion = 'eu'`ncustom = 'keep me'`n"
        Set-VmConfiguration -Profile lab -DidKeyId 'did:key:z6Mk'
        $p = Get-VmConfiguration -Profile lab
        $p.Region | Should -Be 'eu'
        $p.DidKeyId | Should -Be 'did:key:z6Mk'
        $p.Settings['custom'] | Should -Be 'keep me'
    }

    It 'writes nested settings, kill switches and the default profile' {
        Set-VmConfiguration -Profile lab -Setting @{ 'rails.tsa.url' = 'http://127.0.0.1:1'; 'rails.evm.required_depth' = 12 } -VerifyEnforce $false -Default -PassThru |
            ForEach-Object { $_.IsDefault | Should -BeTrue }
        $p = Get-VmConfiguration
        $p.Profile | Should -Be 'lab'
        $p.Settings['rails.tsa.url'] | Should -Be 'http://127.0.0.1:1'
        $p.Settings['rails.evm.required_depth'] | Should -Be 12
        (Get-VmStatus).VerifyEnforceSource | Should -Be 'Profile'
    }

    It 'leaves the file owner-read/write only' {
        Set-VmConfiguration -Profile lab -Region eu
        (Get-Item $config).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'changes nothing with -WhatIf' {
        Set-VmConfiguration -Profile lab -Region eu -WhatIf
        Test-Path $config | Should -BeFalse
    }

    It 'copies a profile through the pipeline by property name' {
        Set-VmConfiguration -Profile lab -Region eu -FederationEndpoint 'https://a'
        Get-VmConfiguration -Profile lab | Set-VmConfiguration -Profile lab2
        (Get-VmConfiguration -Profile lab2).FederationEndpoint | Should -Be @('https://a')
    }

    It 'refuses a malformed file with a located error and leaves it byte-identical' {
        $bytes = [Text.Encoding]::UTF8.GetBytes("# mine`n[profiles.lab]`nregion = = 'eu'`n")
        [IO.File]::WriteAllBytes($config, $bytes)
        { Set-VmConfiguration -Profile lab -Region us -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmConfigurationInvalid,VaultMesh.PowerShell.Commands.SetVmConfigurationCommand'
        try { Set-VmConfiguration -Profile lab -Region us -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'config\.toml:3:\d+' }
        [IO.File]::ReadAllBytes($config) | Should -Be $bytes
    }

    It 'rejects an unsafe profile name' {
        { Set-VmConfiguration -Profile '../x' -Region eu -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmProfileNameInvalid,VaultMesh.PowerShell.Commands.SetVmConfigurationCommand'
    }
}
