BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:Replay = Join-Path $script:RepoRoot 'tests/fixtures/replay'
    $script:Receipts = Join-Path $script:RepoRoot 'tests/fixtures/receipts'
    $script:Manifest = Join-Path $script:Replay 'manifest.json'
    $script:Root = '0x9eb8b462ec1b07399aaf1eb8d4382c4a2ed4b0946ea808bf12183e55be942573'
    $script:FixtureRoot = '0x3b1f5c9e2a7d4086b5e1c0f9a8d7e6b5c4a3928170f6e5d4c3b2a19081726354'

    # Lab mode: these fixtures carry no evidence, so their claims are taken (VERIFY_ENFORCE off, -TrustClaims).
    function Resolve-LabConflict {
        $saved = $env:VERIFY_ENFORCE
        try {
            $env:VERIFY_ENFORCE = '0'
            if ($MyInvocation.ExpectingInput) { $input | Resolve-VmConflict -TrustClaims @args } else { Resolve-VmConflict -TrustClaims @args }
        }
        finally {
            $env:VERIFY_ENFORCE = $saved
        }
    }
}

Describe 'Resolve-VmConflict' {
    Context 'by parameter' {
        It 'resolves the receipts of a manifest file by their claims with -TrustClaims: the verified BTC anchor wins' {
            $r = Resolve-LabConflict -Path $script:Manifest -WarningAction SilentlyContinue
            @($r).Count | Should -Be 1
            # The core lives in the module's own load context, so compare by name, not by [type].
            $r.GetType().FullName | Should -Be 'VaultMesh.Core.Conflicts.ConflictResolution'
            $r.Root | Should -Be $script:Root
            $r.Winner.Chain.ToString() | Should -Be 'BTC'
            $r.Winner.Status.ToString() | Should -Be 'Verified'
            $r.CandidateCount | Should -Be 5
            $r.DuplicatesCollapsed | Should -Be 1
            $r.Decisions.Rule | Should -Be @('chain', 'chain', 'eligibility', 'eligibility')
            $r.Ordering.Count | Should -Be 5
            $r.WinnerVerdict.Basis.ToString() | Should -Be 'Claimed'
        }

        It 'verifies every candidate by default and says, per candidate, how' {
            $r = Resolve-VmConflict -Path $script:Manifest
            $r.Verdicts.Count | Should -Be 5
            # No fixture carries usable evidence: nothing is eligible, the TSA receipt that carries a token (no trust bundle
            # here) outranks those that carry none, and the self-declared failure loses on its own word.
            @($r.Verdicts | Where-Object { $_.Eligibility.ToString() -eq 'Eligible' }).Count | Should -Be 0
            $r.WinnerVerdict.Eligibility.ToString() | Should -Be 'Unverified'
            $r.Winner.Chain.ToString() | Should -Be 'TSA'
            @($r.Verdicts | Where-Object Reason -EQ 'evidence-missing').Count | Should -Be 3
            $r.WinnerVerdict.Basis.ToString() | Should -Be 'Verified'
            $claimed = @($r.Verdicts | Where-Object { $_.Basis.ToString() -eq 'Claimed' })
            $claimed.Count | Should -Be 1
            $claimed[0].Eligibility.ToString() | Should -Be 'Ineligible' 
            ($r.Verdicts | Format-Table | Out-String) | Should -Match 'Method'
        }

        It 'an evidence-free mainnet BTC receipt loses to an EVM receipt that carries its evidence, with VERIFY_ENFORCE on' {
            . (Join-Path $PSScriptRoot 'EvidenceFreeReceipt.ps1')
            $saved = $env:VERIFY_ENFORCE
            try {
                $env:VERIFY_ENFORCE = '1'
                $r = Resolve-VmConflict -Path (New-EvidenceFreeManifest $env:VAULTMESH_HOME)
            }
            finally { $env:VERIFY_ENFORCE = $saved }
            $r.Winner.Chain.ToString() | Should -Be 'EVM'
            $r.WinnerVerdict.Eligibility.ToString() | Should -Be 'Unverified'
            $r.Verdicts[1].Eligibility.ToString() | Should -Be 'Ineligible'
            $r.Verdicts[1].Reason | Should -Be 'evidence-missing'
            $r.Decisions[0].Rule | Should -Be 'eligibility'
        }

        It '-TrustClaims is refused while VERIFY_ENFORCE is on' {
            { Resolve-VmConflict -Path $script:Manifest -TrustClaims -ErrorAction Stop } | Should -Throw -ErrorId 'VmTrustClaimsRefused,VaultMesh.PowerShell.Commands.ResolveVmConflictCommand'
        }

        It 'takes several files and wildcards, receipts and manifests alike' {
            $r = Resolve-LabConflict -Path (Join-Path $script:Receipts 'valid/tsa-*.json'), (Join-Path $script:Receipts 'valid/evm-verified.json') -WarningAction SilentlyContinue
            $r.Root | Should -Be $script:FixtureRoot
            $r.CandidateCount | Should -Be 6
            $r.Winner.Chain.ToString() | Should -Be 'EVM'
            $r.Decisions[0].Rule | Should -Be 'chain'
        }

        It 'takes JSON text with -Json' {
            $texts = Get-ChildItem (Join-Path $script:Receipts 'valid') -Filter 'btc-*.json' | ForEach-Object { Get-Content -Raw $_.FullName }
            $r = Resolve-LabConflict -Json $texts -WarningAction SilentlyContinue
            $r.CandidateCount | Should -Be 5
            $r.Winner.Status.ToString() | Should -Be 'Verified'
            $r.Ordering[-1].Status.ToString() | Should -BeIn @('Failed', 'Reorged')
        }

        It 'writes one resolution per root, ordered by root' {
            $a = Get-Content -Raw (Join-Path $script:Receipts 'valid/btc-verified.json')
            $b = $a -replace '0x3b1f5c9e', '0x0b1f5c9e'
            $c = $a -replace '0x3b1f5c9e2a7d4086', '0x3B1F5C9E2A7D4086'
            $out = @(Resolve-VmConflict -Json $a, $b, $c)
            $out.Count | Should -Be 2
            $out[0].Root | Should -BeLike '0x0b1f5c9e*'
            $out[1].Root | Should -Be $script:FixtureRoot
            $out[1].CandidateCount | Should -Be 2
        }

        It 'gives the same ordering whatever order the files come in' {
            $files = @(Get-ChildItem (Join-Path $script:Receipts 'valid') -Filter '*.json' | Where-Object Name -NotLike 'manifest-*')
            $expected = (Resolve-VmConflict -Path $files.FullName).Ordering | ForEach-Object Source
            foreach ($seed in 1..5) {
                $shuffled = $files.FullName | Get-Random -Shuffle -SetSeed $seed
                ((Resolve-VmConflict -Path $shuffled).Ordering | ForEach-Object Source) | Should -Be $expected
            }
        }
    }

    Context 'pipeline' {
        It 'binds FullName from Get-ChildItem' {
            $r = Get-ChildItem (Join-Path $script:Receipts 'valid') -Filter 'evm-*.json' | Resolve-VmConflict
            $r.CandidateCount | Should -Be 5
            $r.Winner.Chain.ToString() | Should -Be 'EVM'
        }

        It 'takes PSCustomObjects and hashtables and picks the same winner as the file' {
            $fromFile = Resolve-VmConflict -Path $script:Manifest
            $object = Get-Content -Raw $script:Manifest | ConvertFrom-Json -DateKind String
            $fromObject = $object | Resolve-VmConflict
            $fromObject.Winner.TxRef | Should -Be $fromFile.Winner.TxRef
            $fromObject.Decisions.WinnerHash | Should -Be $fromFile.Decisions.WinnerHash
            $hashes = $object.receipts | ForEach-Object { $_ | ConvertTo-Json -Depth 10 | ConvertFrom-Json -AsHashtable -DateKind String }
            $fromHashtables = $hashes | Resolve-VmConflict
            $fromHashtables.Ordering.Count | Should -Be 5
            $fromHashtables.Decisions.LoserHash | Should -Be $fromFile.Decisions.LoserHash
        }

        It 'takes JSON strings from the pipeline' {
            $r = Get-ChildItem (Join-Path $script:Receipts 'valid') -Filter 'tsa-*.json' | ForEach-Object { Get-Content -Raw $_.FullName } | Resolve-VmConflict
            $r.CandidateCount | Should -Be 5
            $r.Winner.Chain.ToString() | Should -Be 'TSA'
        }
    }

    Context 'errors' {
        It 'writes VmReceiptInvalid for an invalid receipt and resolves the rest' {
            $bad = Join-Path $script:Receipts 'invalid/consistency-txscheme-mismatch.json'
            $r = Resolve-VmConflict -Path $bad, (Join-Path $script:Receipts 'valid/btc-verified.json') -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'VmReceiptInvalid,VaultMesh.PowerShell.Commands.ResolveVmConflictCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $r.CandidateCount | Should -Be 1
        }

        It 'writes VmFileNotFound for a missing file' {
            Resolve-VmConflict -Path (Join-Path $env:VAULTMESH_HOME 'nope.json') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VmFileNotFound,VaultMesh.PowerShell.Commands.ResolveVmConflictCommand'
        }

        It 'formats resolutions as a table' {
            $text = Resolve-VmConflict -Path $script:Manifest | Out-String -Width 400
            $text | Should -Match 'Rules'
            $text | Should -Match 'eligibility, anchorTs, chain, anchorTs'
        }
    }

    Context 'vm conflict resolve' {
        It 'prints an envelope whose data is an array of resolutions and exits 0' {
            $a = Join-Path $script:Receipts 'valid/btc-verified.json'
            $b = Join-Path $script:Receipts 'valid/tsa-verified.json'
            $r = Invoke-VmLauncher -ArgumentList 'conflict', 'resolve', $a, $b -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $doc = $r.StdOut | ConvertFrom-Json -NoEnumerate -DateKind String
            $doc.action | Should -Be 'conflict.resolve'
            $doc.ok | Should -BeTrue
            $doc.data.GetType().IsArray | Should -BeTrue
            $doc.data.Count | Should -Be 1
            $doc.data[0].root | Should -Be $script:FixtureRoot
            # The BTC fixture carries no evidence, so the TSA receipt with its token wins on eligibility.
            $doc.data[0].winner.chain | Should -Be 'TSA'
            $doc.data[0].decisions[0].rule | Should -Be 'eligibility'
        }
    }
}
