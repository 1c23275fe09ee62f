BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Add-VmMemory, Get-VmMemory, Invoke-VmSeal, Test-VmMemory' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        $artifacts = Join-Path $env:VAULTMESH_HOME 'artifacts'
        New-Item -ItemType Directory -Path $artifacts | Out-Null
        'first artifact' | Set-Content (Join-Path $artifacts 'a.tar')
        'second artifact' | Set-Content (Join-Path $artifacts 'b.tar')
    }

    It 'records from parameters and returns a typed memory with a sha256 id' {
        $m = Add-VmMemory -Type deployment -Component api -Version 1.2.3 -Payload @{ env = 'prod'; replicas = 3 } -Tag release
        $m.GetType().FullName | Should -Be 'VaultMesh.Core.Memory.MemoryRecord'
        $m.Id | Should -Match '^sha256:[0-9a-f]{64}$'
        $m.Payload | Should -Be '{"env":"prod","replicas":3}'
        $m.Sealed | Should -BeFalse
        $m.Tags | Should -Be @('release')
    }

    It 'returns the existing memory when the same content is recorded twice' {
        $a = Add-VmMemory -Type decision -Component db -Version 7 -Payload '{"b":1,"a":2}'
        $b = Add-VmMemory -Type decision -Component db -Version 7 -Payload @{ a = 2; b = 1 }
        $b.Id | Should -Be $a.Id
        $b.Existing | Should -BeTrue
        (Get-VmMemory).Count | Should -Be 1
    }

    It 'records one memory per file from Get-ChildItem with its streamed hash' {
        $memories = Get-ChildItem $artifacts | Add-VmMemory -Type artifact -Component api -Version 1.2.3
        $memories | Should -HaveCount 2
        $memories.ArtifactName | Should -Be @('a.tar', 'b.tar')
        $expected = (Get-FileHash (Join-Path $artifacts 'a.tar') -Algorithm SHA256).Hash.ToLowerInvariant()
        $memories[0].ArtifactHash | Should -Be "sha256:$expected"
    }

    It 'queries by each filter' {
        $first = Add-VmMemory -Type deployment -Component api -Version 1 -Tag release -Payload @{ note = 'Blue-Green rollout' }
        # Timestamps have millisecond precision: $mid is the first instant after the first memory on
        # that grid, and the clock is waited past it so the next memories carry later timestamps.
        $mid = $first.Timestamp.AddMilliseconds(1)
        while ([DateTimeOffset]::UtcNow -le $mid.AddMilliseconds(1)) { }
        Add-VmMemory -Type decision -Component db -Version 2 -Payload @{ note = 'freeze' } | Out-Null
        Add-VmMemory -Type deployment -Component api -Version 3 | Out-Null
        (Get-VmMemory).Version | Should -Be @('3', '2', '1')
        (Get-VmMemory -Oldest).Version | Should -Be @('1', '2', '3')
        (Get-VmMemory -Component api).Version | Should -Be @('3', '1')
        (Get-VmMemory -Type decision).Component | Should -Be 'db'
        (Get-VmMemory -Tag release).Version | Should -Be '1'
        (Get-VmMemory -Text 'blue-green').Version | Should -Be '1'
        (Get-VmMemory -Since $mid).Version | Should -Be @('3', '2')
        (Get-VmMemory -Until $mid).Version | Should -Be '1'
        (Get-VmMemory -First 1).Version | Should -Be '3'
        $one = Get-VmMemory -First 1
        (Get-VmMemory -Id $one.Id).Version | Should -Be '3'
        ($one | Get-VmMemory).Version | Should -Be '3'
        (Get-VmMemory -Id $one.Id.Substring(0, 15)).Id | Should -Contain $one.Id
        @(Get-VmMemory -Id $one.Id.Substring(0, 15)) | ForEach-Object { $_.Id | Should -BeLike "$($one.Id.Substring(0, 15))*" }
        { Get-VmMemory -Id 'abc' -ErrorAction Stop } | Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.GetVmMemoryCommand'
    }

    It 'seals pending memories and every inclusion proof verifies' {
        1..5 | ForEach-Object { Add-VmMemory -Type event -Component worker -Version $_ } | Out-Null
        Get-ChildItem $artifacts | Add-VmMemory -Type artifact -Component worker -Version 5 | Out-Null
        $batch = Invoke-VmSeal
        $batch.GetType().FullName | Should -Be 'VaultMesh.Core.Sealing.BatchRecord'
        $batch.Size | Should -Be 7
        $batch.BatchId | Should -BeLike 'vmb-7-*'
        (Get-VmMemory | Test-VmMemory) | Should -Not -Contain $false
        (Get-VmMemory).Count | Should -Be 7
        (Get-VmMemory -Pending) | Should -BeNullOrEmpty
        (Get-VmBatch).BatchId | Should -Be $batch.BatchId
        ($batch | Get-VmBatch).Root | Should -Be $batch.Root
        Invoke-VmSeal | Should -BeNullOrEmpty
    }

    It 'verifies the artifact file with -Path and reports each check with -Detailed' {
        $m = Add-VmMemory -Type artifact -Component api -Version 1 -Path (Join-Path $artifacts 'a.tar')
        Invoke-VmSeal | Out-Null
        $ok = Test-VmMemory -Id $m.Id -Path (Join-Path $artifacts 'a.tar') -Detailed
        $ok.Valid | Should -BeTrue
        $ok.Checks.Name | Should -Be @('id', 'leaf', 'checkpoint', 'inclusion', 'anchor', 'artifact')
        ($ok.Checks | Where-Object Name -EQ 'anchor').Detail | Should -Match 'not anchored yet'
        $bad = Test-VmMemory -Id $m.Id -Path (Join-Path $artifacts 'b.tar') -Detailed
        $bad.Valid | Should -BeFalse
        $bad.FailedCheck | Should -Be 'artifact'
        Test-VmMemory -Id $m.Id -Path (Join-Path $artifacts 'b.tar') | Should -BeFalse
    }

    It 'seals at most -MaxItems, oldest first, and -WhatIf changes nothing' {
        1..4 | ForEach-Object { Add-VmMemory -Type event -Component w -Version $_ } | Out-Null
        Invoke-VmSeal -WhatIf | Should -BeNullOrEmpty
        (Get-VmMemory -Pending).Count | Should -Be 4
        (Invoke-VmSeal -MaxItems 3).Size | Should -Be 3
        (Get-VmMemory -Pending).Version | Should -Be '4'
        Add-VmMemory -Type event -Component w -Version 9 -WhatIf | Should -BeNullOrEmpty
        (Get-VmMemory).Count | Should -Be 4
    }

    It 'refuses bad input with clear errors and records nothing' {
        { Add-VmMemory -Type t -Component c -Version 1 -Payload '{"a":1,"a":2}' -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmCanonicalJsonInvalid,VaultMesh.PowerShell.Commands.AddVmMemoryCommand'
        { Add-VmMemory -Type t -Component c -Version 1 -Payload '{"a":' -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmCanonicalJsonInvalid,VaultMesh.PowerShell.Commands.AddVmMemoryCommand'
        { Add-VmMemory -Type t -Component c -Version 1 -Payload @{ blob = 'x' * 1100000 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMemoryPayloadTooLarge,VaultMesh.PowerShell.Commands.AddVmMemoryCommand'
        { Add-VmMemory -Type t -Component c -Version 1 -Path (Join-Path $artifacts 'nope.bin') -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmFileNotFound,VaultMesh.PowerShell.Commands.AddVmMemoryCommand'
        { Get-VmMemory -Id ('sha256:' + ('0' * 64)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMemoryNotFound,VaultMesh.PowerShell.Commands.GetVmMemoryCommand'
        { Get-VmMemory -Id 'sha256:nothex' -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.GetVmMemoryCommand'
        Get-VmMemory | Should -BeNullOrEmpty
    }

    It 'reports an unreadable store by its file name, also in Get-VmStatus' {
        $data = Join-Path $env:VAULTMESH_HOME 'data/default'
        New-Item -ItemType Directory -Force -Path $data | Out-Null
        'not a database at all, just some text that is long enough' | Set-Content (Join-Path $data 'vaultmesh.db')
        { Get-VmMemory -ErrorAction Stop } | Should -Throw -ErrorId 'VmStoreUnreadable,VaultMesh.PowerShell.Commands.GetVmMemoryCommand'
        (Get-VmStatus).Store | Should -Match 'VmStoreUnreadable'
    }

    It 'loads SQLite''s native library from the staged module in a fresh pwsh' {
        $home2 = New-VmTestHome
        $r = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = $home2; NO_COLOR = '1' } -Script @'
$m = Add-VmMemory -Type event -Component fresh -Version 1
$b = Invoke-VmSeal
"sealed=$($b.Size) verified=$(Test-VmMemory -Id $m.Id)"
'@
        $r.StdErr | Should -BeNullOrEmpty
        $r.StdOut | Should -Match 'sealed=1 verified=True'
        Test-Path (Join-Path $home2 'data/default/vaultmesh.db') | Should -BeTrue
    }

    It 'shows store counts in Get-VmStatus' {
        1..3 | ForEach-Object { Add-VmMemory -Type event -Component s -Version $_ } | Out-Null
        Invoke-VmSeal -MaxItems 2 | Out-Null
        $s = Get-VmStatus
        $s.Store | Should -Be 'ok'
        $s.MemoryCount | Should -Be 3
        $s.PendingCount | Should -Be 1
        $s.BatchCount | Should -Be 1
        $s.LastBatchId | Should -BeLike 'vmb-2-*'
    }

    It 'works through vm memory record, query, seal and verify' {
        $r = vm memory record --type deployment --component api --version 9 --payload '{"env":"prod"}' --tag a,b | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $r.data.id | Should -Match '^sha256:'
        (vm memory query --component api | ConvertFrom-Json).data | Should -HaveCount 1
        (vm memory seal | ConvertFrom-Json).data.size | Should -Be 1
        $v = vm memory verify $r.data.id | ConvertFrom-Json
        $v.ok | Should -BeTrue
        $v.data | Should -BeTrue
        $f = vm memory verify $r.data.id --path (Join-Path $artifacts 'a.tar') | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 1
        $f.ok | Should -BeFalse
        $env:VERIFY_ENFORCE = '0'
        try {
            $w = vm memory verify $r.data.id --path (Join-Path $artifacts 'a.tar') | ConvertFrom-Json
            $LASTEXITCODE | Should -Be 0
            $w.warnings | Should -Not -BeNullOrEmpty
        }
        finally { Remove-Item Env:VERIFY_ENFORCE }
    }
}
