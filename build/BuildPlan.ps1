# Which steps each build.ps1 task runs, in order. Build and Stage only compile and publish: the .NET
# SDK restores what they need. Bootstrap (system packages, Anvil, the spawn linters) comes first for
# the tasks that run the code against real servers and tools: Test, Demo, Rehearse and Bench.
# Install and Package copy and zip the staged module (Install adds pwsh as a dotnet tool itself), so
# they need no more than Stage. Dot-sourced by build.ps1 and the tests.

$BuildTaskSteps = [ordered]@{
    Bootstrap = @('Bootstrap')
    Build     = @('Build')
    Stage     = @('Build', 'Stage')
    Test      = @('Bootstrap', 'Build', 'Stage', 'Test')
    Demo      = @('Bootstrap', 'Build', 'Stage', 'Demo')
    Install   = @('Build', 'Stage', 'Install')
    Package   = @('Build', 'Stage', 'Package')
    Rehearse  = @('Bootstrap', 'Build', 'Stage', 'Rehearse')
    Bench     = @('Bootstrap', 'Build', 'Stage', 'Bench')
}

# The steps of several tasks, each once: Bootstrap, Build and Stage first when any task needs them
# (so '-Task Build, Test' installs before it builds), then the others in the order given.
function Get-BuildPlan {
    param([Parameter(Mandatory)] [string[]] $Task)
    $steps = foreach ($t in $Task) {
        if (-not $BuildTaskSteps.Contains($t)) { throw "build.ps1: unknown task '$t'; the tasks are $($BuildTaskSteps.Keys -join ', ')." }
        $BuildTaskSteps[$t]
    }
    $first = @('Bootstrap', 'Build', 'Stage') | Where-Object { $_ -in $steps }
    $rest = @($steps | Where-Object { $_ -notin $first } | Select-Object -Unique)
    @($first) + $rest
}
