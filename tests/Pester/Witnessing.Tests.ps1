# Three guardians witness each other's logs (C2SP tlog-witness, tlog-cosignature/v1) over real HTTP:
# each one's newest checkpoint ends up cosigned by the other two, a proof bundle verifies offline
# against a 2-of-2 witness policy, and a guardian whose log forks (restored from an old backup) is
# refused with 409 or 422 and quarantined by the witnesses that saw the other branch.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'FederationLab.ps1')
    $script:SyncType = 'VaultMesh.PowerShell.Commands.SyncVmFederationCommand'

    function Add-VmLabBatch {
        param([Parameter(Mandatory)] $Node, [int] $Count, [string] $Component)
        Use-VmLabNode $Node {
            # Distinct content each time: a memory is identified by its content.
            1..$Count | ForEach-Object { Add-VmMemory -Type deployment -Component $Component -Version "1.$_" -Payload @{ n = $_; run = [guid]::NewGuid().ToString('N') } } | Out-Null
            Invoke-VmSeal | Out-Null
        }
    }
}

Describe 'Guardians witness each other''s logs' {
    BeforeEach {
        $env:FEDERATION_ENABLED = '1'
        $script:nodes = [ordered]@{}
        foreach ($name in 'a', 'b', 'c') { $script:nodes[$name] = New-VmLabNode -Name $name }
        foreach ($n in $script:nodes.Values) { Connect-VmLabNode $n @($script:nodes.Values | Where-Object Name -NE $n.Name) }
        foreach ($n in $script:nodes.Values) { Start-VmLabGuardian $n }
        foreach ($n in $script:nodes.Values) { Add-VmLabBatch $n -Count 3 -Component "log-$($n.Name)" }
    }

    AfterEach {
        foreach ($n in $script:nodes.Values) { Stop-VmLabGuardian $n | Out-Null }
        Remove-Item Env:FEDERATION_ENABLED -ErrorAction SilentlyContinue
    }

    It 'ends with every newest checkpoint cosigned by the other two, and a bundle that meets a 2-of-2 policy offline' {
        foreach ($n in $script:nodes.Values) {
            Use-VmLabNode $n {
                foreach ($r in Sync-VmFederation) {
                    $r.Ok | Should -BeTrue -Because ($r.Problems -join ' ')
                    $r.CosignedSize | Should -Be 3
                }
            }
        }
        foreach ($n in $script:nodes.Values) {
            $others = @($script:nodes.Values | Where-Object Name -NE $n.Name)
            Use-VmLabNode $n {
                $checkpoint = Get-VmCheckpoint
                @($checkpoint.CosignedBy | Sort-Object) | Should -Be @($others.Did | Sort-Object)
                # The profile's policy is its peers, all of them by default.
                $checkpoint.Witness.Met | Should -BeTrue
                ($checkpoint | Format-Table | Out-String) | Should -Match "2/2\s+vaultmesh\.local/"
            }
            # Each witness records the size it cosigned of this node's log.
            foreach ($o in $others) {
                Use-VmLabNode $o { (Get-VmPeer -Name $n.Name).WitnessedSize | Should -Be 3 }
            }
        }
        $a = $script:nodes['a']; $b = $script:nodes['b']; $c = $script:nodes['c']
        # A new checkpoint is not witnessed until the next sync.
        Add-VmLabBatch $a -Count 1 -Component log-a
        Use-VmLabNode $a {
            (Get-VmCheckpoint).Witness.Met | Should -BeFalse
            (Get-VmCheckpoint | Format-Table | Out-String) | Should -Match "0/2 no\s+vaultmesh\.local/"
            Set-VmConfiguration -Setting @{ 'witness.quorum' = 1 }
            (Get-VmCheckpoint -Size 3).Witness.Quorum | Should -Be 1
        }
        $dir = Join-Path $a.Home 'proofs'
        $vkey = Use-VmLabNode $a {
            # A memory of the witnessed checkpoint (size 3), not of the one sealed since.
            Get-VmMemory -Component log-a | Where-Object LogIndex -LT 3 | Select-Object -First 1 | Export-VmProofBundle -Path $dir | Out-Null
            (Get-VmCheckpoint).Vkey
        }
        $bundle = (Get-ChildItem -LiteralPath $dir -Filter *.proof.json).FullName
        (Get-Content -Raw -LiteralPath ($bundle -replace '\.proof\.json$', '.tlog-proof')) | Should -Match ([regex]::Escape($b.Did))
        $check = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = (New-VmTestHome) } -Script @"
`$ok = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.CosignerVKey)', '$($c.CosignerVKey)'
`$dids = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.Did)', '$($c.Did)' -Detailed
`$short = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.Did)', '$($a.Did)' -WitnessQuorum 2 -Detailed
[ordered]@{ Ok = `$ok; Dids = `$dids.Valid; Detail = (`$dids.Checks | Where-Object Name -eq witnesses).Detail; Short = `$short.Valid; Failed = `$short.FailedCheck } | ConvertTo-Json -Compress
"@
        $check.ExitCode | Should -Be 0 -Because $check.StdErr
        $result = $check.StdOut | ConvertFrom-Json
        $result.Ok | Should -BeTrue
        $result.Dids | Should -BeTrue
        $result.Detail | Should -Match '2 of the 2 witnesses'
        # a cannot witness its own log: with a and b, only one of the two needed cosigned.
        $result.Short | Should -BeFalse
        $result.Failed | Should -Be 'witnesses'
    }

    It 'refuses a forked log with 409 and 422, quarantines it on both witnesses with both checkpoints kept' {
        $a = $script:nodes['a']; $b = $script:nodes['b']; $c = $script:nodes['c']
        Use-VmLabNode $a { (Sync-VmFederation).CosignedSize | Should -Be @(3, 3) }
        $fork = Copy-VmLabNode $a -Name a-restored
        Add-VmLabBatch $a -Count 2 -Component log-a
        Use-VmLabNode $a { (Sync-VmFederation).CosignedSize | Should -Be @(5, 5) }
        $digests = @{ b = (Get-VmLabStoreDigest $b); c = (Get-VmLabStoreDigest $c) }
        # The restored copy signs another size-5 tree with the same key and origin.
        Add-VmLabBatch $fork -Count 2 -Component other-branch
        Use-VmLabNode $fork {
            $r = Sync-VmFederation -Name b -ErrorAction SilentlyContinue
            $r.Ok | Should -BeFalse
            $r.CosignedSize | Should -BeNullOrEmpty
            ($r.Problems -join ' ') | Should -Match 'answered 409: .*split view'
        }
        Add-VmLabBatch $fork -Count 1 -Component other-branch
        Use-VmLabNode $fork {
            $r = Sync-VmFederation -Name c -ErrorAction SilentlyContinue
            ($r.Problems -join ' ') | Should -Match 'answered 422: .*split view'
        }
        foreach ($w in $b, $c) {
            Use-VmLabNode $w {
                $q = @(Get-VmQuarantine)
                $q.Count | Should -Be 1
                $q[0].Reason | Should -Be 'split-view'
                $q[0].Name | Should -Be 'a'
                $evidence = $q[0].Evidence | ConvertFrom-Json
                $evidence.cosignedCheckpoint | Should -Match "(?m)^5$"
                $evidence.presentedCheckpoint | Should -Not -Be $evidence.cosignedCheckpoint
                (Get-VmPeer -Name a).Quarantined | Should -BeTrue
                (Get-VmPeer -Name a).WitnessedSize | Should -Be 5
            }
        }
        # Apart from the quarantine, nothing changed on the witnesses.
        foreach ($w in $b, $c) {
            Invoke-VmLabSql $w "SELECT size FROM witness_state WHERE peer_did = '$($a.Did)'" | Should -Be '5'
        }
        (Get-VmLabStoreDigest $b) | Should -Not -Be $digests.b
        # The honest guardian is refused too from now on: a witness does not take sides.
        Add-VmLabBatch $a -Count 1 -Component log-a
        Use-VmLabNode $a { ((Sync-VmFederation -Name b -ErrorAction SilentlyContinue).Problems -join ' ') | Should -Match 'sender-quarantined' }
    }

    It 'answers 404 to a log it does not witness and 400 to a malformed request, changing nothing' {
        $b = $script:nodes['b']
        $stranger = New-VmLabNode -Name stranger
        Add-VmLabBatch $stranger -Count 1 -Component stranger
        $note = Use-VmLabNode $stranger { Get-VmCheckpoint -AsNote }
        $before = Get-VmLabStoreDigest $b
        $url = "$($b.Url)federation/v1/add-checkpoint"
        $r = Invoke-WebRequest -Uri $url -Method Post -Body ("old 0`n`n" + $note) -ContentType 'text/plain' -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 404
        foreach ($body in "old 0`n", "old x`n`n$note", "", ("old 0`n" + ('AAAA' * 11) + "=`n`n" + $note)) {
            (Invoke-WebRequest -Uri $url -Method Post -Body $body -ContentType 'text/plain' -SkipHttpErrorCheck).StatusCode | Should -Be 400 -Because "body '$body'"
        }
        (Invoke-WebRequest -Uri $url -Method Get -SkipHttpErrorCheck).StatusCode | Should -Be 405
        Get-VmLabStoreDigest $b | Should -Be $before
    }
}
