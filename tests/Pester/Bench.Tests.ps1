# The benchmark harness must keep running: build.ps1 -Task Bench -Quick goes through the same
# bench/Invoke-Bench.ps1. This asserts that it runs and writes a well-formed results file, never a
# timing: figures depend on the machine and on whatever else shares its CPU.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'bench/Invoke-Bench.ps1 -Quick' {
    BeforeAll {
        $script:out = Join-Path ([IO.Path]::GetTempPath()) ('vmbench-out-' + [guid]::NewGuid().ToString('N'))
        $pwsh = Get-VmPwshCommandLine
        $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:RepoRoot 'bench/Invoke-Bench.ps1'),
                '-ModulePath', $script:ModulePath, '-OutputDirectory', $script:out, '-Quick')) {
            $psi.ArgumentList.Add($a)
        }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $stderr = $p.StandardError.ReadToEndAsync()
        $script:stdout = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(900000)) { $p.Kill($true); throw 'The quick benchmark did not finish in 15 minutes.' }
        $script:exitCode = $p.ExitCode
        $script:stderr = $stderr.Result
        $script:files = @(Get-ChildItem -LiteralPath $script:out -Filter '*-quick.json' -ErrorAction SilentlyContinue)
    }
    AfterAll {
        Remove-Item -LiteralPath $script:out -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'exits 0 and prints the table with its budget summary' {
        $script:exitCode | Should -Be 0 -Because $script:stderr
        $script:stdout | Should -Match 'baseline\.sha256\.64B\.1core'
        $script:stdout | Should -Match '\d+ of \d+ budgets met'
    }

    It 'writes one dated, commit-named quick results file with the machine, the baselines and every figure group' {
        $script:files.Count | Should -Be 1
        $script:files[0].Name | Should -Match '^\d{4}-\d{2}-\d{2}-[0-9a-z-]+-quick\.json$'
        $doc = Get-Content -LiteralPath $script:files[0].FullName -Raw | ConvertFrom-Json
        $doc.schema | Should -Be 'vaultmesh-bench/1'
        $doc.quick | Should -BeTrue
        $doc.machine.logicalCores | Should -BeGreaterThan 0
        $names = @($doc.figures.name)
        foreach ($expected in 'baseline.sha256.64B.1core', 'baseline.sha256.64B.allcores', 'baseline.sqlite.commit', 'merkle.root.1core',
            'merkle.root.allcores', 'proof.inclusion.verify', 'proof.inclusion.verify.bytes', 'receipt.validate', 'record.core.group1000', 'verify.memory',
            'verify.memory.sizeRatio', 'proof.inclusion.sealed', 'verify.pipeline', 'merkle.leafhash.cmdlet',
            'legacy.root', 'baseline.sqlite.memories', 'legacy.import', 'record.pipeline', 'record.interactive',
            'record.loop', 'store.query', 'store.status', 'store.metrics', 'seal.next',
            'tiles.publish.full', 'tiles.publish.seal', 'tiles.publish.seal.files') {
            $names | Should -Contain $expected
        }
    }

    It 'gives every figure a positive value, and every budgeted figure a met verdict' {
        $doc = Get-Content -LiteralPath $script:files[0].FullName -Raw | ConvertFrom-Json
        foreach ($figure in $doc.figures) {
            $figure.value | Should -BeGreaterThan 0 -Because $figure.name
            if ($null -ne $figure.budget) { $figure.met | Should -BeOfType [bool] -Because $figure.name }
        }
    }
}
