BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:Cmd = 'VaultMesh.PowerShell.Commands.ImportVmMemoryCommand'

    function Get-Inbox { Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/inbox' }

    function Add-InboxFile {
        param([string] $Name, [string] $Content)
        $inbox = Get-Inbox
        New-Item -ItemType Directory -Force -Path $inbox | Out-Null
        [IO.File]::WriteAllText((Join-Path $inbox $Name), $Content)
    }

    # Builds an upstream Remembrancer database with the SQLite library the module already loaded
    # (in its own load context, with its native library), so the tests need no sqlite3 tool. Types
    # in that context are not found by type literals, hence the reflection.
    function New-LegacyDatabase {
        param([string] $Path, [object[][]] $Rows)
        $sqlite = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1
        $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection', $true), [object[]]@("Data Source=$Path;Pooling=False"))
        $connection.Open()
        try {
            $create = $connection.CreateCommand()
            $create.CommandText = 'CREATE TABLE memories (id INTEGER PRIMARY KEY, timestamp TEXT, type TEXT, component TEXT, version TEXT, hash TEXT, sig TEXT, data TEXT, merkle_root TEXT)'
            $null = $create.ExecuteNonQuery()
            foreach ($row in $Rows) {
                $insert = $connection.CreateCommand()
                $insert.CommandText = 'INSERT INTO memories VALUES ($0,$1,$2,$3,$4,$5,$6,$7,$8)'
                for ($i = 0; $i -lt 9; $i++) {
                    $value = if ($null -eq $row[$i]) { [DBNull]::Value } else { $row[$i] }
                    $null = $insert.Parameters.AddWithValue('$' + $i, $value)
                }
                $null = $insert.ExecuteNonQuery()
            }
        }
        finally { $connection.Dispose() }
    }

    # The first two rows of LegacyVectors.Basic; the root was computed by Python (generate_vectors.py).
    $script:LegacyRows = @(
        , @([long]1, '2025-10-01T00:00:00Z', 'deploy', 'api', '1.0.0', 'sha256:aa', 'sig-1', '{"k":1}', $null)
        , @([long]2, '2025-10-02T00:00:00Z', 'decision', 'db', '2.0', 'sha256:bb', $null, 'plain text', 'r2')
    )
    $script:LegacyRoot = '88a3112b22cec361ad5aa673fe7b27af6de3867ad5bf437554daaf23fa95191a'

    # Opening a store loads Microsoft.Data.Sqlite into the session.
    $env:VAULTMESH_HOME = New-VmTestHome
    $null = Get-VmMemory
}

Describe 'Import-VmMemory from the inbox' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'records good files, quarantines bad ones with reason files, and counts them all' {
        Add-InboxFile 'a-good.json' '{"type":"deploy","component":"api","version":"1.0.0","payload":{"region":"eu"},"tags":["prod"],"timestamp":"2026-01-01T00:00:00Z"}'
        Add-InboxFile 'b-good.json' '{"type":"decision","component":"db","version":"2"}'
        Add-InboxFile 'c-malformed.json' '{"type":"t",'
        Add-InboxFile 'd-dupkey.json' '{"type":"t","type":"u","component":"c","version":"1"}'
        Add-InboxFile 'e-missing.json' '{"component":"c","version":"1"}'

        $result = Import-VmMemory -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.GetType().FullName | Should -Be 'VaultMesh.Core.Harbinger.HarbingerRunResult'
        $result.Scanned | Should -Be 5
        $result.Recorded | Should -Be 2
        $result.Quarantined | Should -Be 3
        $result.Failed | Should -Be 0
        $errs | Should -HaveCount 3
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be "VmHarbingerInvalid,$script:Cmd" }
        $errs[0].TargetObject | Should -BeLike '*c-malformed.json'

        $quarantine = Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/quarantine'
        (Get-ChildItem $quarantine -Name | Sort-Object) | Should -Be @(
            'c-malformed.json', 'c-malformed.json.reason.json', 'd-dupkey.json', 'd-dupkey.json.reason.json', 'e-missing.json', 'e-missing.json.reason.json')
        (Get-Content (Join-Path $quarantine 'd-dupkey.json.reason.json') -Raw | ConvertFrom-Json).reason | Should -Be 'json-invalid'
        (Get-Content (Join-Path $quarantine 'e-missing.json.reason.json') -Raw | ConvertFrom-Json).path | Should -Be '$.type'
        Get-ChildItem (Get-Inbox) | Should -BeNullOrEmpty

        $deploy = Get-VmMemory -Component api
        $deploy.Type | Should -Be 'deploy'
        $deploy.Tags | Should -Be @('prod')
        $deploy.Timestamp.UtcDateTime | Should -Be ([datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc))
        (Get-VmMemory -Type decision).Component | Should -Be 'db'
    }

    It 'reports a file whose content is already recorded as a duplicate' {
        Add-InboxFile 'one.json' '{"type":"t","component":"c","version":"1"}'
        Import-VmMemory | Out-Null
        Add-InboxFile 'two.json' '{"type":"t","component":"c","version":"1"}'
        $result = Import-VmMemory
        $result.Duplicates | Should -Be 1
        $result.Files[0].Outcome | Should -Be 'Duplicate'
        @(Get-VmMemory).Count | Should -Be 1
    }

    It 'changes nothing with -WhatIf' {
        Add-InboxFile 'good.json' '{"type":"t","component":"c","version":"1"}'
        Add-InboxFile 'bad.json' 'not json'
        $result = Import-VmMemory -WhatIf
        $result.Skipped | Should -Be 2
        $result.Recorded | Should -Be 0
        (Get-ChildItem (Get-Inbox) -Name | Sort-Object) | Should -Be @('bad.json', 'good.json')
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/quarantine') | Should -BeFalse
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db') | Should -BeFalse
        Get-VmMemory | Should -BeNullOrEmpty
    }

    It 'changes nothing under $WhatIfPreference either' {
        Add-InboxFile 'good.json' '{"type":"t","component":"c","version":"1"}'
        $WhatIfPreference = $true
        try { $result = Import-VmMemory } finally { $WhatIfPreference = $false }
        $result.Recorded | Should -Be 0
        (Get-ChildItem (Get-Inbox) -Name) | Should -Be @('good.json')
        Test-Path (Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db') | Should -BeFalse
    }

    It 'reads an explicit -Inbox and writes to an explicit -QuarantinePath, and refuses an inbox that does not exist' {
        $inbox = Join-Path $env:VAULTMESH_HOME 'drop'
        $quarantine = Join-Path $env:VAULTMESH_HOME 'held'
        New-Item -ItemType Directory -Path $inbox | Out-Null
        [IO.File]::WriteAllText((Join-Path $inbox 'x.json'), '[]')
        $result = Import-VmMemory -Inbox $inbox -QuarantinePath $quarantine -ErrorAction SilentlyContinue
        $result.Quarantined | Should -Be 1
        Test-Path (Join-Path $quarantine 'x.json.reason.json') | Should -BeTrue

        { Import-VmMemory -Inbox (Join-Path $env:VAULTMESH_HOME 'nowhere') -ErrorAction Stop } |
            Should -Throw -ErrorId "VmHarbingerInboxNotFound,$script:Cmd"
    }

    It 'quarantines an event from beyond -MaxClockDrift' {
        $future = [DateTimeOffset]::UtcNow.AddHours(1).ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
        Add-InboxFile 'future.json' ('{"type":"t","component":"c","version":"1","timestamp":"' + $future + '"}')
        $result = Import-VmMemory -MaxClockDrift ([TimeSpan]::FromMinutes(1)) -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Files[0].Reason | Should -Be 'timestamp-future'
        $errs[0].FullyQualifiedErrorId | Should -Be "VmHarbingerInvalid,$script:Cmd"
    }
}

Describe 'Import-VmMemory -LegacyDatabase' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        $script:Db = Join-Path $env:VAULTMESH_HOME 'remembrancer.db'
        New-LegacyDatabase -Path $script:Db -Rows $script:LegacyRows
    }

    It 'records every row when the expected root matches' {
        $result = Import-VmMemory -LegacyDatabase $script:Db -ExpectedLegacyRoot ('0x' + $script:LegacyRoot)
        $result.GetType().FullName | Should -Be 'VaultMesh.Core.Legacy.LegacyImportResult'
        $result.Rows | Should -Be 2
        $result.Recorded | Should -Be 2
        $result.RootMatches | Should -BeTrue
        $result.ComputedLegacyRoot | Should -Be $script:LegacyRoot
        $memories = Get-VmMemory -Tag legacy
        $memories | Should -HaveCount 2
        ($memories | Where-Object Component -EQ 'api').Payload | ConvertFrom-Json |
            ForEach-Object { $_.legacy.sig } | Should -Be 'sig-1'
    }

    It 'records nothing and reports VmLegacyRootMismatch when the expected root differs' {
        $result = Import-VmMemory -LegacyDatabase $script:Db -ExpectedLegacyRoot ('0' * 64) -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.RootMatches | Should -BeFalse
        $result.Recorded | Should -Be 0
        $errs[0].FullyQualifiedErrorId | Should -Be "VmLegacyRootMismatch,$script:Cmd"
        Get-VmMemory | Should -BeNullOrEmpty
    }

    It 'imports without an expected root and reports the computed one' {
        $result = Import-VmMemory -LegacyDatabase $script:Db
        $result.RootMatches | Should -BeNullOrEmpty
        $result.ComputedLegacyRoot | Should -Be $script:LegacyRoot
        $result.Recorded | Should -Be 2
    }

    It 'computes the root but records nothing with -WhatIf' {
        $result = Import-VmMemory -LegacyDatabase $script:Db -ExpectedLegacyRoot $script:LegacyRoot -WhatIf
        $result.RootMatches | Should -BeTrue
        $result.Imported | Should -BeFalse
        Get-VmMemory | Should -BeNullOrEmpty
    }

    It 'refuses a file that is not a Remembrancer database, naming it' {
        $bogus = Join-Path $env:VAULTMESH_HOME 'bogus.db'
        Set-Content -LiteralPath $bogus -Value ('not sqlite ' * 50)
        { Import-VmMemory -LegacyDatabase $bogus -ErrorAction Stop } |
            Should -Throw -ErrorId "VmLegacyDatabaseInvalid,$script:Cmd" -ExpectedMessage "*bogus.db*"
        { Import-VmMemory -LegacyDatabase (Join-Path $env:VAULTMESH_HOME 'absent.db') -ErrorAction Stop } |
            Should -Throw -ErrorId "VmFileNotFound,$script:Cmd"
        { Import-VmMemory -LegacyDatabase $script:Db -ExpectedLegacyRoot 'xyz' -ErrorAction Stop } |
            Should -Throw -ErrorId "VmLegacyRootInvalid,$script:Cmd"
    }
}

Describe 'vm harbinger run' {
    It 'prints an envelope with the counts' {
        $launcherHome = New-VmTestHome
        $inbox = Join-Path $launcherHome 'data/default/harbinger/inbox'
        New-Item -ItemType Directory -Force -Path $inbox | Out-Null
        [IO.File]::WriteAllText((Join-Path $inbox 'a.json'), '{"type":"t","component":"c","version":"1"}')
        $r = Invoke-VmLauncher -ArgumentList 'harbinger', 'run' -Environment @{ VAULTMESH_HOME = $launcherHome; NO_COLOR = '1' }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.action | Should -Be 'harbinger.run'
        $doc.ok | Should -BeTrue
        $doc.data.scanned | Should -Be 1
        $doc.data.recorded | Should -Be 1
        $doc.data.files[0].outcome | Should -Be 'Recorded'

        [IO.File]::WriteAllText((Join-Path $inbox 'b.json'), '{oops')
        $bad = Invoke-VmLauncher -ArgumentList 'harbinger', 'run', '--inbox', $inbox -Environment @{ VAULTMESH_HOME = $launcherHome; NO_COLOR = '1' }
        $bad.ExitCode | Should -Be 1
        $badDoc = $bad.StdOut | ConvertFrom-Json
        $badDoc.data.quarantined | Should -Be 1
        $badDoc.errors[0].id | Should -Be 'VmHarbingerInvalid'
    }
}
