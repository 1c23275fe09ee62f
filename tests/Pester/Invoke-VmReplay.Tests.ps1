BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:Replay = Join-Path $script:RepoRoot 'tests/fixtures/replay'
    $script:Manifest = Join-Path $script:Replay 'manifest.json'
    $script:Invalid = Join-Path $script:Replay 'manifest-invalid-receipt.json'
    $script:Root = '0x9eb8b462ec1b07399aaf1eb8d4382c4a2ed4b0946ea808bf12183e55be942573'
    $script:FailedId = 'VmReplayFailed,VaultMesh.PowerShell.Commands.InvokeVmReplayCommand'

    # Lab mode: these fixtures carry no evidence, so their claims are taken (VERIFY_ENFORCE off, -TrustClaims).
    function Invoke-LabReplay {
        $saved = $env:VERIFY_ENFORCE
        try {
            $env:VERIFY_ENFORCE = '0'
            if ($MyInvocation.ExpectingInput) { $input | Invoke-VmReplay -TrustClaims @args } else { Invoke-VmReplay -TrustClaims @args }
        }
        finally {
            $env:VERIFY_ENFORCE = $saved
        }
    }

    # A copy of the manifest with its receipts in another order.
    function Write-ShuffledManifest([string] $Source, [string] $Destination, [int] $Seed) {
        $doc = Get-Content -Raw $Source | ConvertFrom-Json -DateKind String
        $doc.receipts = @($doc.receipts | Get-Random -Shuffle -SetSeed $Seed)
        $doc | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $Destination
    }
}

Describe 'Invoke-VmReplay' {
    Context 'by parameter' {
        It 'replays a valid manifest by its claims with -TrustClaims' {
            $r = Invoke-LabReplay -Path $script:Manifest -WarningAction SilentlyContinue
            $r.GetType().FullName | Should -Be 'VaultMesh.Core.Replay.ReplayResult'
            $r.Ok | Should -BeTrue
            $r.BatchId | Should -Be 'batch-2024-06-01-replay'
            $r.ReceiptCount | Should -Be 6
            $r.Roots.Count | Should -Be 1
            $r.Roots[0].Root | Should -Be $script:Root
            $r.Roots[0].WinnerChain.ToString() | Should -Be 'BTC'
            $r.Roots[0].WinnerVerdict.Basis.ToString() | Should -Be 'Claimed'
            $r.Reasons.Count | Should -Be 0
            $r.Canonical | Should -BeLike '{"batchId":"batch-2024-06-01-replay",*'
        }

        It 'verifies every candidate by default: receipts without usable evidence are unverified, and the replay is not proven' {
            $r = Invoke-VmReplay -Path $script:Manifest -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Ok | Should -BeFalse
            @($r.Reasons -like 'Unverified*').Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be $script:FailedId
            $verdicts = $r.Roots[0].Resolution.Verdicts
            $verdicts.Count | Should -Be 5
            @($verdicts | Where-Object { $_.Eligibility.ToString() -eq 'Eligible' }).Count | Should -Be 0
            $r.Canonical | Should -BeLike '*"trust":{"basis":"verified"*'
            $r.Canonical | Should -BeLike '*"verdicts":*'
        }

        It 'names the EVM receipt that carries evidence canonical, not an evidence-free BTC one, and says how, with VERIFY_ENFORCE on' {
            . (Join-Path $PSScriptRoot 'EvidenceFreeReceipt.ps1')
            $manifest = New-EvidenceFreeManifest $env:VAULTMESH_HOME
            $saved = $env:VERIFY_ENFORCE
            try {
                $env:VERIFY_ENFORCE = '1'
                $r = Invoke-VmReplay -Path $manifest -ErrorAction SilentlyContinue
                $again = Invoke-VmReplay -Path $manifest -ErrorAction SilentlyContinue
            }
            finally { $env:VERIFY_ENFORCE = $saved }
            $r.Roots[0].WinnerChain.ToString() | Should -Be 'EVM'
            $r.Canonical | Should -Be $again.Canonical
            $verdicts = ($r.Canonical | ConvertFrom-Json).roots[0].verdicts
            $verdicts.eligibility | Should -Be @('unverified', 'ineligible')
            $verdicts[1].method | Should -Be 'evidence'
            $verdicts[1].reason | Should -Be 'evidence-missing'
        }

        It '-TrustClaims is refused while VERIFY_ENFORCE is on' {
            { Invoke-VmReplay -Path $script:Manifest -TrustClaims -ErrorAction Stop } | Should -Throw -ErrorId 'VmTrustClaimsRefused,VaultMesh.PowerShell.Commands.InvokeVmReplayCommand'
        }

        It 'recomputes the root from <Name> leaves' -ForEach @(@{ Name = 'leaves.hex' }, @{ Name = 'leaves.ndjson' }) {
            $r = Invoke-LabReplay -Path $script:Manifest -LeafPath (Join-Path $script:Replay $Name) -WarningAction SilentlyContinue
            $r.Ok | Should -BeTrue
            $r.RecomputedRoot | Should -Be $script:Root
            $r.LeafCount | Should -Be 5
            $r.Roots[0].MatchesLeaves | Should -BeTrue
        }

        It 'gives the same canonical bytes for shuffled copies of the manifest' {
            $leaves = Join-Path $script:Replay 'leaves.ndjson'
            $expected = (Invoke-LabReplay -Path $script:Manifest -LeafPath $leaves -WarningAction SilentlyContinue).Canonical
            $verified = (Invoke-VmReplay -Path $script:Manifest -LeafPath $leaves -ErrorAction SilentlyContinue).Canonical
            foreach ($seed in 1..6) {
                $copy = Join-Path $TestDrive "shuffled-$seed.json"
                Write-ShuffledManifest $script:Manifest $copy $seed
                $r = Invoke-LabReplay -Path $copy -LeafPath $leaves -WarningAction SilentlyContinue
                $r.Source | Should -Be $copy
                $r.Ok | Should -BeTrue
                (Invoke-VmReplay -Path $copy -LeafPath $leaves -ErrorAction SilentlyContinue).Canonical | Should -BeExactly $verified
                # Compared as the hex of the UTF-8 bytes: exact, and one string for Pester to compare.
                [Convert]::ToHexString([Text.Encoding]::UTF8.GetBytes($r.Canonical)) | Should -BeExactly ([Convert]::ToHexString([Text.Encoding]::UTF8.GetBytes($expected)))
            }
        }

        It 'a failed replay writes the result, then VmReplayFailed as a SecurityError' {
            $r = Invoke-VmReplay -Path $script:Invalid -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Ok | Should -BeFalse
            @($r.Reasons -like 'Schema /receipts/3/root*').Count | Should -Be 1
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be $script:FailedId
            $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
            $err[0].TargetObject | Should -Be $script:Invalid
        }

        It 'a root mismatch fails the replay' {
            $short = Join-Path $TestDrive 'short.hex'
            Get-Content (Join-Path $script:Replay 'leaves.hex') | Select-Object -First 4 | Set-Content -LiteralPath $short
            $r = Invoke-VmReplay -Path $script:Manifest -LeafPath $short -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Ok | Should -BeFalse
            @($r.Reasons -like 'Root mismatch*').Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be $script:FailedId
        }

        It 'with VERIFY_ENFORCE=0 a failed replay is a warning, not an error' {
            $saved = $env:VERIFY_ENFORCE
            try {
                $env:VERIFY_ENFORCE = '0'
                $r = Invoke-VmReplay -Path $script:Invalid -ErrorVariable err -WarningVariable warn -WarningAction SilentlyContinue
                $r.Ok | Should -BeFalse
                $r.Enforce | Should -BeFalse
                $err.Count | Should -Be 0
                $warn -join ' ' | Should -Match 'VERIFY_ENFORCE is off'
            }
            finally {
                $env:VERIFY_ENFORCE = $saved
            }
        }

        It 'writes VmReplayLeavesInvalid with the line of a malformed leaf' {
            $bad = Join-Path $TestDrive 'bad.hex'
            $lines = @(Get-Content (Join-Path $script:Replay 'leaves.hex'))
            $lines[1] = 'zz' + $lines[1].Substring(2)
            $lines | Set-Content -LiteralPath $bad
            Invoke-VmReplay -Path $script:Manifest -LeafPath $bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VmReplayLeavesInvalid,VaultMesh.PowerShell.Commands.InvokeVmReplayCommand'
            $err[0].Exception.Message | Should -Match 'line 2'
        }

        It 'writes VmFileNotFound for a missing manifest and VmReplayManifestInvalid for one that is not JSON' {
            Invoke-VmReplay -Path (Join-Path $TestDrive 'missing.json') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VmFileNotFound,VaultMesh.PowerShell.Commands.InvokeVmReplayCommand'
            $broken = Join-Path $TestDrive 'broken.json'
            Set-Content -LiteralPath $broken -Value '{"version": "1",'
            Invoke-VmReplay -Path $broken -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err2[0].FullyQualifiedErrorId | Should -Be 'VmReplayManifestInvalid,VaultMesh.PowerShell.Commands.InvokeVmReplayCommand'
        }

        It 'formats results as a table' {
            (Invoke-LabReplay -Path $script:Manifest -WarningAction SilentlyContinue | Out-String -Width 400) | Should -Match 'batch-2024-06-01-replay'
        }
    }

    Context 'pipeline' {
        It 'binds FullName from Get-ChildItem and paths as strings' {
            $a = Get-Item $script:Manifest | Invoke-LabReplay -LeafPath (Join-Path $script:Replay 'leaves.hex') -WarningAction SilentlyContinue
            $b = $script:Manifest | Invoke-LabReplay -LeafPath (Join-Path $script:Replay 'leaves.hex') -WarningAction SilentlyContinue
            $a.Ok | Should -BeTrue
            $a.Canonical | Should -Be $b.Canonical
        }

        It 'replays each manifest of a directory' {
            $out = @(Get-ChildItem $script:Replay -Filter 'manifest*.json' | Invoke-VmReplay -ErrorAction SilentlyContinue -ErrorVariable err)
            $out.Count | Should -Be 3
            # Verified here, none of these evidence-free fixtures is proven.
            @($out | Where-Object Ok).Count | Should -Be 0
            $err.Count | Should -Be 3
        }
    }

    Context 'vm audit' {
        It 'vm audit replay --trust-claims exits 0 with data.ok for a good manifest and its leaves' {
            $r = Invoke-VmLauncher -ArgumentList 'audit', 'replay', $script:Manifest, '--leaves', (Join-Path $script:Replay 'leaves.hex'), '--trust-claims' -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VERIFY_ENFORCE = '0'; NO_COLOR = '1' }
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $doc = $r.StdOut | ConvertFrom-Json -DateKind String
            $doc.action | Should -Be 'audit.replay'
            $doc.ok | Should -BeTrue
            $doc.data.ok | Should -BeTrue
            $doc.data.recomputedRoot | Should -Be $script:Root
        }

        It 'vm audit replay exits 1 on a failed replay with VERIFY_ENFORCE on' {
            $r = Invoke-VmLauncher -ArgumentList 'audit', 'replay', $script:Invalid -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VERIFY_ENFORCE = '1'; NO_COLOR = '1' }
            $r.ExitCode | Should -Be 1 -Because $r.StdErr
            $doc = $r.StdOut | ConvertFrom-Json -DateKind String
            $doc.ok | Should -BeFalse
            $doc.data.ok | Should -BeFalse
            $doc.errors[0].id | Should -Be 'VmReplayFailed'
        }

        It 'vm audit replay exits 0 with a warning on a failed replay with VERIFY_ENFORCE=0' {
            $r = Invoke-VmLauncher -ArgumentList 'audit', 'replay', $script:Invalid -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VERIFY_ENFORCE = '0'; NO_COLOR = '1' }
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $doc = $r.StdOut | ConvertFrom-Json -DateKind String
            $doc.ok | Should -BeTrue
            $doc.data.ok | Should -BeFalse
            $doc.warnings -join ' ' | Should -Match 'VERIFY_ENFORCE is off'
        }

        It 'vm audit validate exits 1 for an invalid file and 0 for valid ones' {
            $bad = Join-Path $script:RepoRoot 'tests/fixtures/receipts/invalid/schema-missing-chain.json'
            $r = Invoke-VmLauncher -ArgumentList 'audit', 'validate', $bad -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $r.ExitCode | Should -Be 1 -Because $r.StdErr
            ($r.StdOut | ConvertFrom-Json).errors[0].id | Should -Be 'VmReceiptVerificationFailed'
            $good = Invoke-VmLauncher -ArgumentList 'audit', 'validate', $script:Manifest, (Join-Path $script:RepoRoot 'tests/fixtures/receipts/valid/btc-verified.json') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $good.ExitCode | Should -Be 0 -Because $good.StdErr
        }
    }
}
