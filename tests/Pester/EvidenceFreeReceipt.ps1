# The forgery of an evidence-free receipt: a mainnet BTC receipt with no evidence at all, a year
# earlier, against a mainnet EVM receipt that carries its transaction evidence but that no node here
# can check. Written as a batch manifest; returns its path.
function New-EvidenceFreeManifest([string] $Directory) {
    $root = '0x' + ('ab' * 32)
    $btc = [ordered]@{
        version = '1'; root = $root; chain = 'BTC'; network = 'mainnet'; txScheme = 'btc'; txRef = 'b' * 64; blockNumber = 840000
        anchorTs = '2025-06-01T00:00:00Z'; observedAt = '2026-06-01T00:00:00Z'; status = 'verified'; verifier = 'self'
        finality = [ordered]@{ observedDepth = 6; requiredDepth = 6; state = 'finalized' }
    }
    $tx = '0x' + 'c' * 64
    $evm = [ordered]@{
        version = '1'; root = $root; chain = 'EVM'; network = 'eip155:1'; txScheme = 'evm'; txRef = $tx; txHash = $tx; blockNumber = 20000000
        anchorTs = '2026-05-31T00:00:00Z'; observedAt = '2026-06-01T00:00:00Z'; status = 'verified'; verifier = 'vaultmesh-evm-verifier/0.1'
        finality = [ordered]@{ observedDepth = 20; requiredDepth = 12; state = 'finalized' }
        evidence = [ordered]@{
            mode = 'calldata'; chainId = 1; txHash = $tx; from = '0x' + 'd' * 40; blockNumber = 20000000; blockHash = '0x' + 'e' * 64
        }
    }
    $path = Join-Path $Directory 'evidence-free-manifest.json'
    [ordered]@{ version = '1'; batchId = 'batch-evidence-free'; createdAt = '2026-06-01T00:00:00Z'; receipts = @($btc, $evm) } |
        ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $path
    $path
}
