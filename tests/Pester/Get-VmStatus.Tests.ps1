BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-VmStatus' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Remove-Item Env:VAULTMESH_PROFILE, Env:FEDERATION_ENABLED, Env:ANCHOR_WRITE_ENABLED, Env:VERIFY_ENFORCE -ErrorAction SilentlyContinue
    }
    AfterEach {
        Remove-Item Env:VAULTMESH_PROFILE, Env:FEDERATION_ENABLED, Env:ANCHOR_WRITE_ENABLED, Env:VERIFY_ENFORCE -ErrorAction SilentlyContinue
    }

    It 'returns one typed object describing the node' {
        $s = Get-VmStatus
        $s | Should -HaveCount 1
        $s.GetType().FullName | Should -Be 'VaultMesh.Core.Status.StatusReport'
        $s.Profile | Should -Be 'default'
        $s.ConfigPath | Should -Be (Join-Path $env:VAULTMESH_HOME 'config.toml')
        $s.DataDirectory | Should -Be (Join-Path $env:VAULTMESH_HOME 'data/default')
        $s.ModuleVersion | Should -Be (Import-PowerShellDataFile $script:ModulePath).ModuleVersion
        $s.PowerShellVersion | Should -Be $PSVersionTable.PSVersion.ToString()
        $s.RuntimeVersion | Should -Match '\.NET'
    }

    It 'shows the defaults of the kill switches with their source' {
        $s = Get-VmStatus
        $s.FederationEnabled | Should -BeFalse
        $s.AnchorWriteEnabled | Should -BeFalse
        $s.VerifyEnforce | Should -BeTrue
        $s.KillSwitches.Source | Should -Be @('Default', 'Default', 'Default')
    }

    It 'shows FEDERATION_ENABLED=banana as off with a warning' {
        $env:FEDERATION_ENABLED = 'banana'
        $s = Get-VmStatus -WarningVariable w -WarningAction SilentlyContinue
        $s.FederationEnabled | Should -BeFalse
        $s.FederationSource | Should -Be 'Environment'
        $w | Should -HaveCount 1
        "$w" | Should -Match 'banana'
        $s.Warnings | Should -HaveCount 1
    }

    It 'shows VERIFY_ENFORCE=0 as off with source environment' {
        $env:VERIFY_ENFORCE = '0'
        $s = Get-VmStatus
        $s.VerifyEnforce | Should -BeFalse
        $s.VerifyEnforceSource | Should -Be 'Environment'
    }

    It 'takes the profile from -Profile, VAULTMESH_PROFILE, then default_profile' {
        Set-VmConfiguration -Profile filed -Region x -Default
        (Get-VmStatus).Profile | Should -Be 'filed'
        (Get-VmStatus).ProfileSource | Should -Be 'ConfigFile'
        $env:VAULTMESH_PROFILE = 'envy'
        (Get-VmStatus).Profile | Should -Be 'envy'
        (Get-VmStatus -Profile lab).ProfileSource | Should -Be 'Parameter'
    }

    It 'reports profile switches from the config file' {
        Set-VmConfiguration -Profile lab -AnchorWriteEnabled $true
        $s = Get-VmStatus -Profile lab
        $s.AnchorWriteEnabled | Should -BeTrue
        $s.AnchorWriteSource | Should -Be 'Profile'
    }

    It 'fails with a located error on a malformed config.toml' {
        Set-Content -LiteralPath (Join-Path $env:VAULTMESH_HOME 'config.toml') -Value "[profiles.lab`nregion = 1"
        { Get-VmStatus -ErrorAction Stop } | Should -Throw -ErrorId 'VmConfigurationInvalid,VaultMesh.PowerShell.Commands.GetVmStatusCommand'
        $err = $null
        try { Get-VmStatus -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'config\.toml:1:'
        $err.TargetObject | Should -Be (Join-Path $env:VAULTMESH_HOME 'config.toml')
    }

    It 'has a table view' {
        $text = Get-VmStatus | Format-Table | Out-String
        $text | Should -Match 'Federation'
        $text | Should -Match 'off \(Default\)'
    }
}
