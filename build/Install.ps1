# Installs a staged VaultMesh module so that units and runbooks do not depend on a checkout:
#   <root>/.local/share/powershell/Modules/VaultMesh/<version>/   the module (pwsh's user module path)
#   <root>/.local/share/vaultmesh/pwsh/                          pwsh, as a dotnet tool at the pinned version
#   <root>/.local/share/vaultmesh/{bin,docs,phase-vi}/           the launcher, docs/operations.md, the ops pack
#   <root>/.local/bin/vm                                          the vm command the systemd units run
# <root> is -Destination, else $env:VAULTMESH_INSTALL_ROOT, else $HOME. Dot-sourced by build.ps1 and the tests.

function Install-VmModule {
    param(
        [Parameter(Mandatory)] [string] $StageDir,
        [Parameter(Mandatory)] [string] $RepositoryRoot,
        [string] $Destination
    )
    if (-not $Destination) { $Destination = if ($env:VAULTMESH_INSTALL_ROOT) { $env:VAULTMESH_INSTALL_ROOT } else { $HOME } }
    $manifest = Join-Path $StageDir 'VaultMesh.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) { throw "Install: no staged module at $StageDir; run build.ps1 -Task Stage." }
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    $module = Join-Path $Destination ".local/share/powershell/Modules/VaultMesh/$version"
    $share = Join-Path $Destination '.local/share/vaultmesh'
    $bin = Join-Path $Destination '.local/bin'

    Remove-Item -LiteralPath $module -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $module, (Join-Path $share 'bin'), (Join-Path $share 'docs'), $bin | Out-Null
    Copy-Item -Path (Join-Path $StageDir '*') -Destination $module -Recurse -Force
    Copy-Item -LiteralPath (Join-Path $RepositoryRoot 'ops/bin/vm'), (Join-Path $RepositoryRoot 'ops/bin/vm.ps1') -Destination (Join-Path $share 'bin') -Force
    Copy-Item -LiteralPath (Join-Path $RepositoryRoot 'docs/operations.md') -Destination (Join-Path $share 'docs') -Force
    Remove-Item -LiteralPath (Join-Path $share 'phase-vi') -Recurse -Force -ErrorAction SilentlyContinue
    Copy-Item -LiteralPath (Join-Path $RepositoryRoot 'ops/phase-vi') -Destination (Join-Path $share 'phase-vi') -Recurse -Force

    $pwsh = Install-VmPwshTool -ToolPath (Join-Path $share 'pwsh') -RepositoryRoot $RepositoryRoot
    $launcher = Join-Path $bin 'vm'
    @(
        '#!/usr/bin/env bash'
        '# VaultMesh vm, installed by build.ps1 -Task Install; see docs/operations.md.'
        'set -euo pipefail'
        "export VAULTMESH_MODULE=`"`${VAULTMESH_MODULE:-$module/VaultMesh.psd1}`""
        "export VAULTMESH_PWSH=`"`${VAULTMESH_PWSH:-$pwsh}`""
        "exec `"$share/bin/vm`" `"`$@`""
    ) -join "`n" | Set-Content -LiteralPath $launcher -NoNewline
    $execute = [IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite -bor [IO.UnixFileMode]::UserExecute -bor
        [IO.UnixFileMode]::GroupRead -bor [IO.UnixFileMode]::GroupExecute -bor [IO.UnixFileMode]::OtherRead -bor [IO.UnixFileMode]::OtherExecute
    foreach ($file in @($launcher, (Join-Path $share 'bin/vm')) + @(Get-ChildItem (Join-Path $share 'phase-vi/scripts') -Filter *.sh | ForEach-Object FullName)) {
        [IO.File]::SetUnixFileMode($file, $execute)
    }
    [pscustomobject]@{ Module = $module; Vm = $launcher; Pwsh = $pwsh; Share = $share; Version = $version }
}

# pwsh at the version the repository pins (dotnet-tools.json), as a dotnet tool in its own folder;
# skipped when that version is there already.
function Install-VmPwshTool {
    param([string] $ToolPath, [string] $RepositoryRoot)
    $pinned = (Get-Content -Raw (Join-Path $RepositoryRoot 'dotnet-tools.json') | ConvertFrom-Json).tools.powershell.version
    $pwsh = Join-Path $ToolPath 'pwsh'
    $list = if (Test-Path -LiteralPath $pwsh) { & dotnet tool list --tool-path $ToolPath 2>$null } else { @() }
    if (-not ($list | Where-Object { $_ -match "^powershell\s+$([regex]::Escape($pinned))\s" })) {
        & dotnet tool install PowerShell --version $pinned --tool-path $ToolPath | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "Install: 'dotnet tool install PowerShell --version $pinned --tool-path $ToolPath' failed." }
    }
    $pwsh
}
