BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    1..3 | ForEach-Object { Add-VmMemory -Type event -Component publish-test -Version "1.$_" } | Out-Null
    Invoke-VmSeal | Out-Null

    . (Join-Path $script:RepoRoot 'tests/TestServers/VmTlogCheck.ps1')
    $script:tlogcheck = Build-VmTlogCheck -RepositoryRoot $script:RepoRoot

    function Test-TlogCheck([string] $Dir, [string] $Vkey, [string[]] $More = @()) {
        Invoke-VmTlogCheck -Binary $script:tlogcheck -Directory $Dir -Vkey $Vkey -More $More
    }
    function Get-PublishedFiles([string] $Dir) {
        @(Get-ChildItem -LiteralPath $Dir -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($Dir, $_.FullName) } | Sort-Object)
    }
}

AfterAll {
    Remove-Item -LiteralPath (Split-Path $script:tlogcheck) -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Publish-VmLog' {
    It 'writes the tlog-tiles layout with the stored checkpoint note, and returns what it wrote' {
        $dir = Join-Path $TestDrive 'first'
        $r = Publish-VmLog -Path $dir
        $r.GetType().FullName | Should -Be 'VaultMesh.Core.Tiles.PublishResult'
        $r.Path | Should -Be $dir
        $r.Size | Should -Be 3
        $r.PreviousSize | Should -Be 0
        $r.FilesWritten | Should -Be 3
        $r.PartialTiles | Should -Be 2
        $r.FullTiles | Should -Be 0
        Get-PublishedFiles $dir | Should -Be @('checkpoint', 'tile/0/000.p/3', 'tile/entries/000.p/3')
        [IO.File]::ReadAllText((Join-Path $dir 'checkpoint')) | Should -BeExactly (Get-VmCheckpoint -AsNote)
        $check = Test-TlogCheck $dir (Get-VmCheckpoint).Vkey @('-entry', '2')
        $check.StdErr | Should -BeNullOrEmpty
        $check.ExitCode | Should -Be 0
    }

    It 'writes only what a seal added, and nothing when nothing is new' {
        $dir = Join-Path $TestDrive 'incremental'
        Publish-VmLog -Path $dir | Out-Null
        $older = Join-Path $TestDrive 'older-checkpoint'
        Copy-Item (Join-Path $dir 'checkpoint') $older
        Add-VmMemory -Type event -Component publish-test -Version 2.1 | Out-Null
        Invoke-VmSeal | Out-Null
        $r = Publish-VmLog -Path $dir
        $r.PreviousSize | Should -Be 3
        $r.Size | Should -Be 4
        $r.FilesWritten | Should -Be 3
        (Publish-VmLog -Path $dir).FilesWritten | Should -Be 0
        (Test-TlogCheck $dir (Get-VmCheckpoint).Vkey @('-old', $older)).StdOut | Should -Match 'consistency ok: 3 -> 4'
    }

    It 'publishes after every seal into log.publish_dir, and Publish-VmLog without -Path uses it' {
        $dir = Join-Path $TestDrive 'configured'
        Set-VmConfiguration -Setting @{ 'log.publish_dir' = $dir }
        try {
            Add-VmMemory -Type event -Component publish-test -Version 3.1 | Out-Null
            $size = (Invoke-VmSeal).LogEnd
            ([IO.File]::ReadAllLines((Join-Path $dir 'checkpoint')))[1] | Should -Be "$size"
            (Publish-VmLog).Path | Should -Be $dir
        }
        finally { Set-VmConfiguration -Setting @{ 'log.publish_dir' = $null } }
    }

    It 'refuses a log.publish_dir that is not a path string' {
        { Set-VmConfiguration -Setting @{ 'log.publish_dir' = 5 } -ErrorAction Stop } | Should -Throw '*log.publish_dir must be a non-empty directory path string*'
    }

    It 'writes VmLogPublishDirectoryMissing without -Path or log.publish_dir' {
        { Publish-VmLog -ErrorAction Stop } | Should -Throw -ErrorId 'VmLogPublishDirectoryMissing,VaultMesh.PowerShell.Commands.PublishVmLogCommand'
    }

    It 'refuses a directory that holds another log, naming its checkpoint' {
        $other = New-VmTestHome
        $dir = Join-Path $TestDrive 'other'
        $r = Invoke-VmChildPwsh -Script "Add-VmMemory -Type event -Component other -Version 1 | Out-Null; Invoke-VmSeal | Out-Null; Publish-VmLog -Path '$dir' | Out-Null" -Environment @{ VAULTMESH_HOME = $other }
        $r.ExitCode | Should -Be 0
        $err = $null
        try { Publish-VmLog -Path $dir -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'VmLogPublishConflict,VaultMesh.PowerShell.Commands.PublishVmLogCommand'
        $err.TargetObject | Should -Be (Join-Path $dir 'checkpoint')
        Remove-Item -LiteralPath $other -Recurse -Force
    }

    It 'writes nothing with -WhatIf' {
        $dir = Join-Path $TestDrive 'whatif'
        Publish-VmLog -Path $dir -WhatIf | Should -BeNullOrEmpty
        Test-Path $dir | Should -BeFalse
    }

    It 'is vm memory publish --path' {
        $dir = Join-Path $TestDrive 'cli'
        $r = Invoke-VmLauncher -ArgumentList @('memory', 'publish', '--path', $dir) -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0
        Test-Path (Join-Path $dir 'checkpoint') | Should -BeTrue
    }

    It 'leaves a directory that verifies at its old checkpoint when the publishing pwsh is killed with SIGKILL, and the rerun completes it' {
        $home2 = New-VmTestHome
        $dir = Join-Path $TestDrive 'killed'
        $grow = @'
1..20 | ForEach-Object { [pscustomobject]@{ Type = 'event'; Component = 'kill'; Version = "$_" } } | Add-VmMemory | Out-Null
Invoke-VmSeal | Out-Null
Publish-VmLog -Path $env:PUBLISH_DIR | Out-Null
1..40000 | ForEach-Object { [pscustomobject]@{ Type = 'event'; Component = 'kill'; Version = "big.$_" } } | Add-VmMemory | Out-Null
Invoke-VmSeal | Out-Null
(Get-VmCheckpoint).Vkey
'@
        $r = Invoke-VmChildPwsh -Script $grow -Environment @{ VAULTMESH_HOME = $home2; PUBLISH_DIR = $dir }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $vkey = ($r.StdOut -split "`n" | Where-Object { $_ -match '\+' } | Select-Object -Last 1).Trim()
        $older = [IO.File]::ReadAllBytes((Join-Path $dir 'checkpoint'))

        # Publish 40,020 entries in a child pwsh, and kill it with SIGKILL as soon as its first new full tile is in place.
        $pwsh = Get-VmPwshCommandLine
        $file = Join-Path $TestDrive 'publish.ps1'
        "Import-Module '$script:ModulePath'`nPublish-VmLog -Path '$dir' | Out-Null" | Set-Content -LiteralPath $file
        $child = Start-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', $file)) -Environment @{ VAULTMESH_HOME = $home2 }
        $first = Join-Path $dir 'tile/entries/000'
        while (-not (Test-Path -LiteralPath $first) -and -not $child.Process.HasExited) { [Threading.Thread]::Yield() | Out-Null }
        & kill -9 $child.Process.Id
        $child.Process.WaitForExit()
        $child.Process.ExitCode | Should -Be 137 -Because 'the publish must be killed, not finish'

        [IO.File]::ReadAllBytes((Join-Path $dir 'checkpoint')) | Should -Be $older
        Test-Path -LiteralPath $first | Should -BeTrue
        $before = Test-TlogCheck $dir $vkey
        $before.ExitCode | Should -Be 0 -Because $before.StdErr
        $before.StdOut | Should -Match 'size 20 '

        $olderFile = Join-Path $TestDrive 'killed-older'
        [IO.File]::WriteAllBytes($olderFile, $older)
        $rerun = Invoke-VmChildPwsh -Script "(Publish-VmLog -Path '$dir').Size" -Environment @{ VAULTMESH_HOME = $home2 }
        $rerun.ExitCode | Should -Be 0 -Because $rerun.StdErr
        $rerun.StdOut.Trim() | Should -Be '40020'
        $after = Test-TlogCheck $dir $vkey @('-old', $olderFile, '-entry', '40019')
        $after.ExitCode | Should -Be 0 -Because $after.StdErr
        $after.StdOut | Should -Match 'consistency ok: 20 -> 40020'
        Remove-Item -LiteralPath $home2 -Recurse -Force
    }
}
