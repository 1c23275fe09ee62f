# Three guardians witness each other's logs (C2SP tlog-witness, tlog-cosignature/v1) over real HTTP:
# each one's newest checkpoint ends up cosigned by the other two, a proof bundle verifies offline
# against a 2-of-2 witness policy. An outsider's bad proofs and replays change nothing; a guardian whose
# log forks (restored from an old backup) is refused with 422 and quarantined by the witnesses that
# saw the other branch, and an operator releases the quarantine on the record.
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
                # Two lines of its log (Ed25519, ML-DSA-44) and two of each witness (cosignature/v1, subtree/v1).
                $lines = @($checkpoint.CosignedNote.TrimEnd("`n") -split "`n" | Where-Object { $_ -like '— *' })
                $lines.Count | Should -Be 6
                @($lines | Where-Object { $_ -like "— $($checkpoint.Origin) *" }).Count | Should -Be 2
                foreach ($o in $others) { @($lines | Where-Object { $_ -like "— $($o.Did) *" }).Count | Should -Be 2 }
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
        $vkey, $pqVkey = Use-VmLabNode $a {
            # A memory of the witnessed checkpoint (size 3), not of the one sealed since.
            Get-VmMemory -Component log-a | Where-Object LogIndex -LT 3 | Select-Object -First 1 | Export-VmProofBundle -Path $dir | Out-Null
            (Get-VmCheckpoint).Vkey
            (Get-VmCheckpoint).PostQuantumVkey
        }
        $bundle = (Get-ChildItem -LiteralPath $dir -Filter *.proof.json).FullName
        # The same bundle without b's ML-DSA-44 line: b's Ed25519 cosignature alone is not post-quantum.
        # -DateKind String: read as dates, the timestamps would be written back without the trailing zeros
        # of their fractions, which the bundle's fields check refuses (one run in ten or so).
        $json = Get-Content -Raw -LiteralPath $bundle | ConvertFrom-Json -AsHashtable -DateKind String
        $kept = @($json.log.checkpoint -split "`n" | Where-Object { -not ($_ -like "— $($b.Did) *" -and $_.Length -gt 1000) })
        $kept.Count | Should -Be (@($json.log.checkpoint -split "`n").Count - 1)
        $json.log.checkpoint = $kept -join "`n"
        $stripped = Join-Path $a.Home 'stripped.proof.json'
        $json | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $stripped -NoNewline
        (Get-Content -Raw -LiteralPath ($bundle -replace '\.proof\.json$', '.tlog-proof')) | Should -Match ([regex]::Escape($b.Did))
        $check = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = (New-VmTestHome) } -Script @"
`$ok = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.CosignerVKey)', '$($c.CosignerVKey)'
`$dids = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.Did)', '$($c.Did)' -Detailed
`$short = Test-VmProofBundle -Path '$bundle' -Vkey '$vkey' -Witness '$($b.Did)', '$($a.Did)' -WitnessQuorum 2 -Detailed
`$pq = Test-VmProofBundle -Path '$bundle' -Vkey '$pqVkey' -Witness '$($b.Did)', '$($b.PostQuantumVkey)', '$($c.Did)', '$($c.PostQuantumVkey)' -RequirePostQuantum -Detailed
`$pqStripped = Test-VmProofBundle -Path '$stripped' -Vkey '$pqVkey' -Witness '$($b.Did)', '$($b.PostQuantumVkey)', '$($c.Did)', '$($c.PostQuantumVkey)' -RequirePostQuantum -Detailed
`$edStripped = Test-VmProofBundle -Path '$stripped' -Vkey '$vkey' -Witness '$($b.Did)', '$($b.PostQuantumVkey)', '$($c.Did)', '$($c.PostQuantumVkey)'
[ordered]@{ Ok = `$ok; Dids = `$dids.Valid; Detail = (`$dids.Checks | Where-Object Name -eq witnesses).Detail; Short = `$short.Valid; Failed = `$short.FailedCheck
    Pq = `$pq.Valid; PqReason = `$pq.Reason; PqDetail = (`$pq.Checks | Where-Object Name -eq witnesses).Detail; PqSignature = (`$pq.Checks | Where-Object Name -eq checkpointSignature).Detail
    PqStripped = `$pqStripped.Valid; PqStrippedFailed = `$pqStripped.FailedCheck; PqStrippedReason = `$pqStripped.Reason; EdStripped = `$edStripped } | ConvertTo-Json -Compress
"@
        $check.ExitCode | Should -Be 0 -Because $check.StdErr
        $result = $check.StdOut | ConvertFrom-Json
        $result.Ok | Should -BeTrue
        $result.Dids | Should -BeTrue
        $result.Detail | Should -Match '2 of the 2 witnesses'
        # a cannot witness its own log: with a and b, only one of the two needed cosigned.
        $result.Short | Should -BeFalse
        $result.Failed | Should -Be 'witnesses'
        # Offline, post-quantum only: a's ML-DSA-44 signature and both witnesses' ML-DSA-44 cosignatures.
        $result.Pq | Should -BeTrue -Because $result.PqReason
        $result.PqSignature | Should -BeLike 'ML-DSA-44: *'
        $result.PqDetail | Should -Match '2 of the 2 witnesses cosigned it with ML-DSA-44'
        $result.PqStripped | Should -BeFalse
        $result.PqStrippedFailed | Should -Be 'witnesses'
        $result.PqStrippedReason | Should -Match '1 of the 2 witnesses'
        # Without -RequirePostQuantum b's Ed25519 cosignature still counts.
        $result.EdStripped | Should -BeTrue
    }

    It 'lets no outsider move a witness or quarantine a peer, still quarantines a real fork, and an operator releases it on the record' {
        $a = $script:nodes['a']; $b = $script:nodes['b']; $c = $script:nodes['c']
        Use-VmLabNode $a { (Sync-VmFederation).CosignedSize | Should -Be @(3, 3) }
        # A backup of a's data dir at size 3, restored later: the same key and origin.
        $fork = Copy-VmLabNode $a -Name a-restored
        Add-VmLabBatch $a -Count 2 -Component log-a
        # What an outsider can get: a's genuine signed checkpoints (published) and a genuine proof to alter.
        $three, $five, $path = Use-VmLabNode $a {
            (Get-VmCheckpoint -Size 3 -AsNote), (Get-VmCheckpoint -Size 5 -AsNote), @((Get-VmConsistencyProof -FromSize 3 -ToSize 5).Path)
        }
        $path.Count | Should -BeGreaterThan 1
        $b64 = { param($hex) [Convert]::ToBase64String([Convert]::FromHexString($hex)) }
        $genuine = @($path | ForEach-Object { & $b64 $_ })
        $wrong = @($path | ForEach-Object { & $b64 ($_.Substring(0, 62) + $(if ($_.EndsWith('00')) { '01' } else { '00' })) })
        $forgeries = [ordered]@{
            'empty proof'     = @{ Body = "old 3`n`n$five"; Status = 422 }
            'wrong proof'     = @{ Body = "old 3`n$($wrong -join "`n")`n`n$five"; Status = 422 }
            'truncated proof' = @{ Body = "old 3`n$(($genuine | Select-Object -SkipLast 1) -join "`n")`n`n$five"; Status = 422 }
            'old replay'      = @{ Body = "old 0`n`n$three"; Status = 409 }
            'same-size post'  = @{ Body = "old 3`n`n$three"; Status = 200 }
        }
        $snapshot = {
            param($w)
            Use-VmLabNode $w {
                [ordered]@{
                    Peer = Get-VmPeer -Name a | Select-Object Name, Quarantined, WitnessedSize | ConvertTo-Json -Compress
                    Quarantine = @(Get-VmQuarantine -IncludeReleased).Count
                    Digest = Get-VmLabStoreDigest $w
                } | ConvertTo-Json -Compress
            }
        }
        foreach ($w in $b, $c) {
            $before = & $snapshot $w
            foreach ($name in $forgeries.Keys) {
                $r = Invoke-WebRequest -Uri "$($w.Url)federation/v1/add-checkpoint" -Method Post -Body $forgeries[$name].Body -ContentType 'text/plain' -SkipHttpErrorCheck
                $r.StatusCode | Should -Be $forgeries[$name].Status -Because "$name to $($w.Name): $($r.Content)"
            }
            & $snapshot $w | Should -Be $before
            Use-VmLabNode $w { (Get-VmPeer -Name a).WitnessedSize | Should -Be 3 }
        }
        # a's own next correct request is cosigned by both.
        Use-VmLabNode $a { (Sync-VmFederation).CosignedSize | Should -Be @(5, 5) }

        # The restored copy re-seals other memories to the same size 5: a real split view.
        Add-VmLabBatch $fork -Count 2 -Component other-branch
        Use-VmLabNode $fork {
            foreach ($r in Sync-VmFederation -ErrorAction SilentlyContinue) {
                $r.CosignedSize | Should -BeNullOrEmpty
                ($r.Problems -join ' ') | Should -Match 'conflicting .*\(422\): .*split view'
            }
        }
        foreach ($w in $b, $c) {
            Use-VmLabNode $w {
                $q = @(Get-VmQuarantine)
                $q.Count | Should -Be 1
                $q[0].Reason | Should -Be 'split-view'
                $evidence = $q[0].Evidence | ConvertFrom-Json
                $evidence.cosignedCheckpoint | Should -Be $five
                $evidence.presentedCheckpoint | Should -Match "(?m)^5$"
                $evidence.presentedCheckpoint | Should -Not -Be $five
                (Get-VmPeer -Name a).Quarantined | Should -BeTrue
                (Get-VmPeer -Name a).WitnessedSize | Should -Be 5
            }
        }
        # While quarantined, the honest guardian is refused too: a witness does not take sides.
        Add-VmLabBatch $a -Count 1 -Component log-a
        Use-VmLabNode $a { ((Sync-VmFederation -Name b -ErrorAction SilentlyContinue).Problems -join ' ') | Should -Match 'sender-quarantined' }

        # -WhatIf changes nothing.
        $before = & $snapshot $b
        Use-VmLabNode $b { Remove-VmQuarantine -Name a -Reason 'reviewed' -WhatIf }
        & $snapshot $b | Should -Be $before
        # The release, by name on b and through the pipeline on c, goes on the record.
        $released = @(
            Use-VmLabNode $b { Remove-VmQuarantine -Name a -Reason 'a-restored was a stale backup, now wiped' -PassThru -Confirm:$false }
            Use-VmLabNode $c { Get-VmQuarantine | Remove-VmQuarantine -Reason 'a-restored was a stale backup, now wiped' -PassThru -Confirm:$false }
        )
        $released.Count | Should -Be 2
        foreach ($i in 0, 1) {
            $w = ($b, $c)[$i]
            $release = $released[$i]
            $release.Did | Should -Be $a.Did
            $release.Quarantined | Should -BeFalse
            $release.NodeDid | Should -Be $w.Did
            $release.EvidenceDigests.Count | Should -Be 1
            Use-VmLabNode $w {
                $memory = Get-VmMemory -Type federation.quarantine.released
                $memory.Id | Should -Be $release.MemoryId
                $payload = $memory.Payload | ConvertFrom-Json
                $payload.peer.did | Should -Be $a.Did
                $payload.releasedBy.user | Should -Be ([Environment]::UserName)
                $payload.releasedBy.node | Should -Be $w.Did
                $payload.reason | Should -Be 'a-restored was a stale backup, now wiped'
                $payload.evidence[0].digest | Should -Be $release.EvidenceDigests[0]
                @(Get-VmQuarantine).Count | Should -Be 0
                (Get-VmQuarantine -IncludeReleased).ReleasedBy | Should -Be $release.MemoryId
                (Get-VmPeer -Name a).Quarantined | Should -BeFalse
            }
        }
        # Released: a's correct checkpoints are cosigned again.
        Use-VmLabNode $a { (Sync-VmFederation).CosignedSize | Should -Be @(6, 6) }
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
