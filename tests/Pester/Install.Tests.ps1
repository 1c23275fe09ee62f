# build.ps1 -Task Install and -Task Package against the staged module: the installed vm works from a
# directory outside the checkout with a home of its own, the systemd units verify against it, and the
# .nupkg installs with Install-PSResource from a folder repository.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $script:RepoRoot 'build/Install.ps1')
    . (Join-Path $script:RepoRoot 'build/Package.ps1')
    $script:stage = Split-Path $script:ModulePath
}

Describe 'Install' {
    BeforeAll {
        $script:root = New-VmTestHome
        $script:installed = Install-VmModule -StageDir $script:stage -RepositoryRoot $script:RepoRoot -Destination $script:root
        # PATH without any pwsh or checkout: the installed vm must bring what it needs.
        $script:envs = @{ HOME = $script:root; VAULTMESH_HOME = (Join-Path $script:root '.vaultmesh'); PATH = '/usr/local/bin:/usr/bin:/bin'; VAULTMESH_MODULE = '' }
    }
    AfterAll { Remove-Item -LiteralPath $script:root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'puts the module in the user module path and vm in ~/.local/bin' {
        $script:installed.Module | Should -Be (Join-Path $script:root '.local/share/powershell/Modules/VaultMesh/0.1.0')
        Test-Path (Join-Path $script:installed.Module 'VaultMesh.psd1') | Should -BeTrue
        Test-Path (Join-Path $script:installed.Module 'deps/StackExchange.Redis.dll') | Should -BeTrue
        $script:installed.Vm | Should -Be (Join-Path $script:root '.local/bin/vm')
        Test-Path (Join-Path $script:installed.Share 'docs/operations.md') | Should -BeTrue
        Test-Path (Join-Path $script:installed.Share 'phase-vi/scripts/verify-anchor.sh') | Should -BeTrue
    }

    It 'runs vm status show from a directory outside the checkout' {
        $psi = [Diagnostics.ProcessStartInfo]::new($script:installed.Vm)
        foreach ($a in 'status', 'show') { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $script:root
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        foreach ($k in $script:envs.Keys) { $psi.Environment[$k] = $script:envs[$k] }
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $p.ExitCode | Should -Be 0 -Because $err.Result
        $doc = $out | ConvertFrom-Json
        $doc.ok | Should -BeTrue
        $doc.data.Home | Should -Be (Join-Path $script:root '.vaultmesh')
        $doc.data.ModuleVersion | Should -Be '0.1.0'
    }

    It 'satisfies systemd-analyze verify for every unit with the installed vm as ExecStart' {
        $runtime = Join-Path $script:root 'runtime'
        New-Item -ItemType Directory -Force -Path $runtime | Out-Null
        [IO.File]::SetUnixFileMode($runtime, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        foreach ($unit in Get-ChildItem (Join-Path $script:installed.Share 'phase-vi/systemd') -Filter 'vaultmesh-*@.*') {
            $r = Invoke-VmProcess -FilePath 'systemd-analyze' -ArgumentList @('verify', '--user', $unit.FullName) -Environment @{ HOME = $script:root; XDG_RUNTIME_DIR = $runtime }
            $r.ExitCode | Should -Be 0 -Because "$($unit.Name): $($r.StdErr)"
            $r.StdErr | Should -BeNullOrEmpty -Because $unit.Name
        }
    }

    It 'installs again over itself' {
        $again = Install-VmModule -StageDir $script:stage -RepositoryRoot $script:RepoRoot -Destination $script:root
        $again.Module | Should -Be $script:installed.Module
        Test-Path (Join-Path $again.Module 'VaultMesh.psd1') | Should -BeTrue
    }

    It 'refuses a folder with no staged module' {
        { Install-VmModule -StageDir (Join-Path $script:root 'nothing') -RepositoryRoot $script:RepoRoot -Destination $script:root } |
            Should -Throw -ExpectedMessage '*no staged module*'
    }
}

Describe 'Package' {
    It 'writes a .nupkg that Install-PSResource installs from a folder repository in a fresh pwsh' {
        $repoDir = Join-Path $TestDrive 'packages'
        $package = New-VmPackage -StageDir $script:stage -OutputDirectory $repoDir
        $package.Name | Should -Be 'VaultMesh.0.1.0.nupkg'
        $home2 = New-VmTestHome
        try {
            $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name VmTest -Uri '$repoDir' -Trusted
Install-PSResource VaultMesh -Repository VmTest -Scope CurrentUser -TrustRepository
Import-Module VaultMesh
(Get-Module VaultMesh).ModuleBase
(Get-VmStatus).ModuleVersion
"@
            $file = Join-Path $home2 'install.ps1'
            $script | Set-Content -LiteralPath $file
            $pwsh = Get-VmPwshCommandLine
            $r = Invoke-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', $file)) `
                -Environment @{ HOME = $home2; VAULTMESH_HOME = (Join-Path $home2 '.vaultmesh'); XDG_DATA_HOME = ''; XDG_CONFIG_HOME = ''; PSModulePath = '' }
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $lines = $r.StdOut -split "`n" | Where-Object { $_.Trim() }
            $lines[-2].Trim() | Should -BeLike "$home2*VaultMesh*0.1.0"
            $lines[-1].Trim() | Should -Be '0.1.0'
        } finally {
            Remove-Item -LiteralPath $home2 -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
