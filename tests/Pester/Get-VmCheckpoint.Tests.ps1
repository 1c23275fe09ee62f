BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    foreach ($seal in 1..3) {
        1..$seal | ForEach-Object { Add-VmMemory -Type event -Component checkpoint-test -Version "$seal.$_" } | Out-Null
        Invoke-VmSeal | Out-Null
    }
}

Describe 'Get-VmCheckpoint' {
    It 'shows the newest signed checkpoint: origin, size, root, the C2SP note and the vkey' {
        $c = Get-VmCheckpoint
        $c.GetType().FullName | Should -Be 'VaultMesh.Core.Log.CheckpointRecord'
        $c.Size | Should -Be 6
        $c.Origin | Should -Match '^vaultmesh\.local/[0-9a-f]{16}$'
        $c.Root | Should -Match '^[0-9a-f]{64}$'
        $c.Note | Should -BeLike "$($c.Origin)`n6`n$([Convert]::ToBase64String([Convert]::FromHexString($c.Root)))`n`n— $($c.Origin) *`n"
        $c.Vkey | Should -BeLike "$($c.Origin)+*+A*"
    }

    It 'returns the note text exactly with -AsNote, and one size or all with -Size / -All' {
        Get-VmCheckpoint -AsNote | Should -BeExactly (Get-VmCheckpoint).Note
        (Get-VmCheckpoint -Size 3).Size | Should -Be 3
        (Get-VmCheckpoint -All).Size | Should -Be @(1, 3, 6)
        (Get-VmCheckpoint -All -AsNote).Count | Should -Be 3
    }

    It 'writes VmCheckpointNotFound for a size no checkpoint has' {
        Get-VmCheckpoint -Size 4 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'VmCheckpointNotFound,VaultMesh.PowerShell.Commands.GetVmCheckpointCommand'
    }

    It 'binds -Size from the pipeline by property name' {
        (Get-VmBatch | Select-Object @{ n = 'Size'; e = { $_.LogEnd } } | Get-VmCheckpoint).Size | Should -Be @(6, 3, 1)
    }

    It 'signs with the node key, owner-only under the data directory' {
        $key = Join-Path $env:VAULTMESH_HOME 'data/default/keys/node.ed25519'
        (Get-Item $key).Length | Should -Be 32
        (Get-Item $key).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Item (Split-Path $key)).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }

    It 'is the vm memory checkpoint form' {
        $r = Invoke-VmLauncher -ArgumentList @('memory', 'checkpoint', '--as-note') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0
        ($r.StdOut | ConvertFrom-Json).data | Should -BeExactly (Get-VmCheckpoint).Note
    }

    It 'shows LogIndex and LeafHash on every sealed memory' {
        $m = Get-VmMemory | Sort-Object Sequence
        $m.LogIndex | Should -Be (0..5)
        $m.LeafHash | ForEach-Object { $_ | Should -Match '^[0-9a-f]{64}$' }
        $tree = New-VmMerkleTree -LeafHash $m.LeafHash
        $tree.Root | Should -Be (Get-VmCheckpoint).Root
    }
}

Describe 'Get-VmConsistencyProof over the stored log' {
    It 'proves the log at each checkpoint is a prefix of the newest, verified by Test-VmConsistencyProof' {
        foreach ($older in Get-VmCheckpoint -All) {
            $proof = Get-VmConsistencyProof -FromSize $older.Size -ToSize 6
            $proof.FirstRoot | Should -Be $older.Root
            $proof.SecondRoot | Should -Be (Get-VmCheckpoint).Root
            $proof | Test-VmConsistencyProof | Should -BeTrue
        }
    }

    It 'defaults ToSize to the whole log' {
        (Get-VmConsistencyProof -FromSize 3).SecondSize | Should -Be 6
    }

    It 'writes VmLogSizeOutOfRange for a size beyond the log' {
        Get-VmConsistencyProof -FromSize 1 -ToSize 7 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'VmLogSizeOutOfRange,VaultMesh.PowerShell.Commands.GetVmConsistencyProofCommand'
    }
}
