# Times VaultMesh cmdlets as a user runs them, in this fresh pwsh with the staged module imported.
# Called by the benchmark harness (bench/VaultMesh.Bench); prints one JSON object on its last line.
# The clock starts after Import-Module and one warm-up call, so module loading is not counted.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [ValidateSet('AddPipeline', 'AddInteractive', 'AddLoop', 'NewMerkleTree', 'NewMerkleTreeLeafHash', 'TestMemory', 'Queries')] [string] $Figure,
    [Parameter(Mandatory)] [string] $VaultHome,
    [int] $Count = 1000,
    [string] $WorkDirectory = $VaultHome
)
$ErrorActionPreference = 'Stop'
$env:VAULTMESH_HOME = $VaultHome
Import-Module $ModulePath

function Get-MedianMs([scriptblock] $Script, [int] $Repetitions = 7) {
    $null = & $Script
    $times = foreach ($i in 1..$Repetitions) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = & $Script
        $watch.Elapsed.TotalMilliseconds
    }
    $sorted = @($times | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

$result = [ordered]@{ figure = $Figure }
switch ($Figure) {
    'AddPipeline' {
        # Objects bind by property name when Add-VmMemory takes Type/Component/Version from the
        # pipeline; before that, the pipeline form is one artifact file per object (FullName).
        # Read from the cmdlet class: CmdletInfo.Parameters is empty for this module's cmdlets.
        $version = (Get-Command Add-VmMemory).ImplementingType.GetProperty('Version')
        $byName = @($version.GetCustomAttributes([Management.Automation.ParameterAttribute], $true) | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
        if ($byName) {
            $inputs = foreach ($i in 1..$Count) {
                [pscustomobject]@{ Type = 'event'; Component = "svc-$($i % 50)"; Version = "1.$i"; Payload = @{ n = $i; env = 'prod' } }
            }
            $null = [pscustomobject]@{ Type = 'event'; Component = 'warm'; Version = '0'; Payload = @{ n = 0 } } | Add-VmMemory
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $recorded = @($inputs | Add-VmMemory).Count
        }
        else {
            $dir = Join-Path $WorkDirectory 'artifacts'
            $null = New-Item -ItemType Directory -Force -Path $dir
            foreach ($i in 0..$Count) { [IO.File]::WriteAllText((Join-Path $dir "a$i.txt"), "artifact $i") }
            $null = Get-Item (Join-Path $dir 'a0.txt') | Add-VmMemory -Type artifact -Component warm -Version 0
            $files = @(Get-ChildItem $dir -Filter 'a*.txt' | Where-Object Name -ne 'a0.txt')
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $recorded = @($files | Add-VmMemory -Type artifact -Component bench -Version 1).Count
        }
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $recorded
        $result.form = if ($byName) { 'objects bound by property name' } else { 'Get-ChildItem files (FullName), each hashed' }
    }
    'AddInteractive' {
        $script:n = 0
        $result.ms = Get-MedianMs { $script:n++; Add-VmMemory -Type decision -Component api -Version "2.$script:n" -Payload @{ approved = $true } } 15
    }
    'AddLoop' {
        # A long-lived process (a runbook, the harbinger, the guardian) calling Add-VmMemory once per
        # item: the cost of its last tenth of calls against its first tenth, elapsed and CPU.
        $null = Add-VmMemory -Type event -Component loop -Version 0
        $tenth = [math]::Max(1, [int][math]::Floor($Count / 10))
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $wal = Join-Path $VaultHome 'data/default/vaultmesh.db-wal'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $marks = @{}
        $largestWal = 0
        foreach ($i in 0..$Count) {
            if ($i -in 0, $tenth, ($Count - $tenth), $Count) {
                $process.Refresh()
                $marks[$i] = @($watch.Elapsed.TotalMilliseconds, $process.TotalProcessorTime.TotalMilliseconds)
            }
            if ($i % 100 -eq 0) { $largestWal = [math]::Max($largestWal, (Get-Item -LiteralPath $wal).Length) }
            if ($i -lt $Count) { $null = Add-VmMemory -Type event -Component loop -Version "1.$i" }
        }
        $result.count = $Count
        $result.firstMs = ($marks[$tenth][0] - $marks[0][0]) / $tenth
        $result.lastMs = ($marks[$Count][0] - $marks[$Count - $tenth][0]) / $tenth
        $result.firstCpuMs = ($marks[$tenth][1] - $marks[0][1]) / $tenth
        $result.lastCpuMs = ($marks[$Count][1] - $marks[$Count - $tenth][1]) / $tenth
        $result.largestWalBytes = $largestWal
    }
    'NewMerkleTree' {
        $leaves = foreach ($i in 1..$Count) { 'leaf-{0:x16}' -f $i }
        $null = $leaves[0..99] | New-VmMerkleTree
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $tree = $leaves | New-VmMerkleTree
        $result.seconds = $watch.Elapsed.TotalSeconds
        $result.count = $tree.Size
    }
    'NewMerkleTreeLeafHash' {
        # Leaf hashes as a user holds them: lower-case hex strings in a PowerShell array (object[],
        # as @(...) and foreach give), passed to -LeafHash in one call.
        $hex = [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(32 * $Count)).ToLowerInvariant()
        $hashes = [object[]]::new($Count)
        $split = $hex -split '(?<=\G.{64})' -ne ''
        [Array]::Copy($split, $hashes, $Count)
        $null = New-VmMerkleTree -LeafHash $hashes[0..999]
        $self = [Diagnostics.Process]::GetCurrentProcess()
        $cpu = $self.TotalProcessorTime
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $tree = New-VmMerkleTree -LeafHash $hashes
        $result.seconds = $watch.Elapsed.TotalSeconds
        $self.Refresh()
        $result.cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds
        $result.count = $tree.Size
    }
    'TestMemory' {
        $null = Get-VmMemory -First 1 | Test-VmMemory
        # The median of three passes, as every other timing: one pass of a few hundred memories is
        # a fraction of a second, which the first reads of a cold file can double.
        $passes = foreach ($pass in 1..3) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $checked = @(Get-VmMemory -First $Count | Test-VmMemory)
            [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; Checked = $checked }
        }
        $median = @($passes | Sort-Object Seconds)[1]
        $result.seconds = $median.Seconds
        $result.passSeconds = @($passes.Seconds)
        $result.count = $median.Checked.Count
        # Without -Detailed, Test-VmMemory writes one Boolean per memory.
        $result.failed = @($passes.Checked | Where-Object { $_ -ne $true }).Count
    }
    'Queries' {
        $since = [DateTimeOffset]::Parse('2024-01-01T00:00:00Z')
        $result.componentRangeMs = Get-MedianMs { Get-VmMemory -Component 'c7' -Since $since -Until $since.AddDays(2) -First 100 }
        $result.statusMs = Get-MedianMs { Get-VmStatus }
        $result.metricsMs = Get-MedianMs { Get-VmMetric }
    }
}
$result | ConvertTo-Json -Compress
