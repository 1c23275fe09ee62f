# Start and stop a real Anvil node for Pester and the demo. Dot-source this file:
#
#   . "$RepoRoot/tests/TestServers/VmTestAnvil.ps1"
#   $anvil = Start-VmTestAnvil                      # free loopback port, chain id 31337
#   $anvil.Url; $anvil.ProcessId; $anvil.DevKey      # account 0's key, read from Anvil's own output
#   Invoke-VmTestAnvilRpc $anvil anvil_mine '0x3'    # mine three blocks
#   Invoke-VmTestAnvilRpc $anvil anvil_reorg 3 @()   # replace the last three blocks
#   Wait-VmTestAnvilTransaction $anvil $txHash       # until the transaction is mined; its block number
#   Stop-VmTestAnvil $anvil                          # kills it and removes its log
#
# The binary is $env:VAULTMESH_ANVIL (set by build.ps1's Bootstrap) or the one Bootstrap installs
# under <repo>/tools/anvil. Anvil binds 127.0.0.1 only. The development key is a published test
# key: use it with test nodes only.

function Get-VmTestAnvilBinary {
    if ($env:VAULTMESH_ANVIL -and (Test-Path -LiteralPath $env:VAULTMESH_ANVIL -PathType Leaf)) { return $env:VAULTMESH_ANVIL }
    $package = Join-Path $PSScriptRoot '../../tools/anvil/node_modules/@foundry-rs/anvil-linux-amd64'
    $binary = Get-ChildItem -LiteralPath $package -Recurse -File -Filter 'anvil' -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $binary) { throw "Anvil is not installed: run 'dotnet pwsh -NoProfile -File build.ps1 -Task Bootstrap' or set VAULTMESH_ANVIL." }
    $binary.FullName
}

function Invoke-VmTestAnvilRpc {
    <#
    .SYNOPSIS
        Calls a JSON-RPC method on a node from Start-VmTestAnvil and returns its result; throws on a JSON-RPC error.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [pscustomobject] $Anvil,
        [Parameter(Mandatory, Position = 1)] [string] $Method,
        [Parameter(Position = 2, ValueFromRemainingArguments)] [object[]] $Params = @(),
        [int] $TimeoutSeconds = 10
    )
    $body = @{ jsonrpc = '2.0'; id = 1; method = $Method; params = @($Params) } | ConvertTo-Json -Depth 10 -Compress
    $answer = Invoke-RestMethod -Uri $Anvil.Url -Method Post -ContentType 'application/json' -Body $body -TimeoutSec $TimeoutSeconds
    if ($answer.PSObject.Properties['error'] -and $answer.error) { throw "$Method failed: $($answer.error.message)" }
    $answer.result
}

function Wait-VmTestAnvilTransaction {
    <#
    .SYNOPSIS
        Waits until a transaction is mined (the node returns its receipt) and returns its block number.
    .DESCRIPTION
        Automine mines a sent transaction after the send returns, later under load. A transaction
        still pending survives anvil_reorg and is mined into the new chain, so a test that means to
        reorganise a transaction away waits for this first.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [pscustomobject] $Anvil,
        [Parameter(Mandatory, Position = 1)] [string] $TransactionHash,
        [int] $TimeoutSeconds = 30
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        $receipt = Invoke-VmTestAnvilRpc $Anvil eth_getTransactionReceipt $TransactionHash
        if ($receipt -and $receipt.blockNumber) { return [Convert]::ToInt64($receipt.blockNumber.Substring(2), 16) }
        Start-Sleep -Milliseconds 50
    }
    throw "Transaction $TransactionHash was not mined on $($Anvil.Url) within $TimeoutSeconds s."
}

function Start-VmTestAnvil {
    <#
    .SYNOPSIS
        Starts Anvil on a free loopback port and waits until it answers eth_chainId.
    .OUTPUTS
        An object with Url, Port, ProcessId, ChainId, DevKey, DevAddress and LogPath, for Stop-VmTestAnvil.
    #>
    [CmdletBinding()]
    param(
        [long] $ChainId = 31337,
        [string[]] $ExtraArgument = @(),
        [int] $StartTimeoutSeconds = 15
    )
    $binary = Get-VmTestAnvilBinary
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $log = Join-Path ([IO.Path]::GetTempPath()) "vm-anvil-$port-$([guid]::NewGuid().ToString('N')).log"
    $arguments = @('--host', '127.0.0.1', '--port', "$port", '--chain-id', "$ChainId") + $ExtraArgument
    $process = Start-Process -FilePath $binary -ArgumentList $arguments -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    $anvil = [pscustomobject]@{
        Url        = "http://127.0.0.1:$port/"
        Port       = $port
        ProcessId  = $process.Id
        ChainId    = $ChainId
        DevKey     = $null
        DevAddress = $null
        LogPath    = $log
    }
    $deadline = [DateTime]::UtcNow.AddSeconds($StartTimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            $output = (Get-Content -Raw -LiteralPath $log, "$log.err" -ErrorAction SilentlyContinue) -join "`n"
            Remove-Item -LiteralPath $log, "$log.err" -ErrorAction SilentlyContinue
            throw "Anvil exited with code $($process.ExitCode): $output"
        }
        try {
            $id = Invoke-VmTestAnvilRpc $anvil eth_chainId -TimeoutSeconds 2
            $text = Get-Content -Raw -LiteralPath $log -ErrorAction SilentlyContinue
            if ($id -and $text -match '(?m)^\(0\) (0x[0-9a-fA-F]{64})\s*$') {
                if ([Convert]::ToInt64($id.Substring(2), 16) -ne $ChainId) { throw "Anvil answers chain $id, expected $ChainId." }
                $anvil.DevKey = $Matches[1]
                if ($text -match '(?m)^\(0\) (0x[0-9a-fA-F]{40}) ') { $anvil.DevAddress = $Matches[1].ToLowerInvariant() }
                return $anvil
            }
        }
        catch [System.Net.Http.HttpRequestException] { }
        Start-Sleep -Milliseconds 100
    }
    Stop-VmTestAnvil $anvil
    throw "Anvil did not answer on $($anvil.Url) within $StartTimeoutSeconds s."
}

function Stop-VmTestAnvil {
    <#
    .SYNOPSIS
        Stops a node started by Start-VmTestAnvil (by its process id) and removes its log.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [pscustomobject] $Anvil)
    process {
        $process = Get-Process -Id $Anvil.ProcessId -ErrorAction SilentlyContinue
        if ($process) {
            $process.Kill($true)
            $null = $process.WaitForExit(10000)
        }
        Remove-Item -LiteralPath $Anvil.LogPath, "$($Anvil.LogPath).err" -ErrorAction SilentlyContinue
    }
}
