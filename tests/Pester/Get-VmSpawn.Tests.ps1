BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Cmd = 'VaultMesh.PowerShell.Commands.GetVmSpawnCommand'
}

Describe 'Get-VmSpawn' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'lists nothing when nothing was spawned' {
        Get-VmSpawn | Should -BeNullOrEmpty
    }

    It 'lists the spawned components by name from the root Invoke-VmSpawn wrote to' {
        Invoke-VmSpawn zeta tool | Out-Null
        Invoke-VmSpawn alpha infra | Out-Null
        $all = Get-VmSpawn
        $all.Name | Should -Be @('alpha', 'zeta')
        $all.Type | Should -Be @('infra', 'tool')
        $all[0].Path | Should -Be (Join-Path $env:VAULTMESH_HOME 'data/default/services/alpha')
        $all[0].Created.Offset | Should -Be ([TimeSpan]::Zero)
    }

    It 'describes one by name, by parameter and from the pipeline' {
        $spawn = Invoke-VmSpawn beta -WithMq rabbitmq
        $byName = Get-VmSpawn -Name beta
        $byName.TreeHash | Should -Be $spawn.TreeHash
        $byName.Files | Should -Contain 'src/Beta/Messaging/QueuePublisher.cs'
        $byName.Files | Should -Not -Contain 'vaultmesh.spawn.json'
        ('beta' | Get-VmSpawn).MemoryId | Should -Be $spawn.MemoryId
        ($spawn | Get-VmSpawn).Name | Should -Be 'beta'
    }

    It 'reports Intact false once a generated file is edited' {
        $spawn = Invoke-VmSpawn gamma
        Add-Content -LiteralPath (Join-Path $spawn.Path 'src/Gamma/Program.cs') -Value '// edited'
        (Get-VmSpawn gamma).Intact | Should -BeFalse
    }

    It 'reads -Root instead of spawn.root' {
        $root = Join-Path $env:VAULTMESH_HOME 'elsewhere'
        Invoke-VmSpawn delta -Destination $root | Out-Null
        Get-VmSpawn | Should -BeNullOrEmpty
        (Get-VmSpawn -Root $root).Name | Should -Be 'delta'
    }

    It 'fails a name that was not spawned with VmSpawnNotFound' {
        { Get-VmSpawn -Name nobody -ErrorAction Stop } | Should -Throw -ErrorId "VmSpawnNotFound,$script:Cmd"
    }

    It 'fails a malformed manifest with VmSpawnManifestInvalid' {
        $spawn = Invoke-VmSpawn broken
        Set-Content -LiteralPath (Join-Path $spawn.Path 'vaultmesh.spawn.json') -Value '{"schema":"other"}'
        { Get-VmSpawn -ErrorAction Stop } | Should -Throw -ErrorId "VmSpawnManifestInvalid,$script:Cmd"
    }
}
