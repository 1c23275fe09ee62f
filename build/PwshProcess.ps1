# How to start this same pwsh again as a fresh process: the pinned dotnet tool runs as
# 'dotnet <PSHOME>/pwsh.dll', an installed pwsh as its own executable. Dot-sourced by the build,
# the Pester helpers and the demo.

# Every pwsh started from here (and whatever those start) runs without the .NET runtime's
# multicore-JIT startup profile. pwsh replays that profile from one file per user
# (~/.cache/powershell/StartupProfileData-NonInteractive) when it starts and rewrites it, without a
# lock, when it ends; pwsh processes that end together can leave it torn, and then every pwsh of the
# user dies at start ('The given assembly name was invalid') until another rewrites it. A minimum CPU
# count that no machine has keeps the runtime from reading or writing it, at about 0.1 s per start.
# ops/bin/vm does the same for the units; docs/operations.md says why.
$env:DOTNET_MultiCoreJitMinNumCpus = '65535'

# The command line prefix: the executable first, then any arguments it needs before pwsh's own.
function Get-VmPwshCommandLine {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return , @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    , @($process)
}

# Runs a fresh pwsh with the given arguments in the current console and returns nothing; $LASTEXITCODE is set.
function Invoke-VmPwsh {
    $pwsh = Get-VmPwshCommandLine
    $prefix = @($pwsh | Select-Object -Last ($pwsh.Count - 1))
    & $pwsh[0] @prefix @args
}
