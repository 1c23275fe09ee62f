# The steps each build.ps1 task runs: a build only builds, and every task that runs the code against
# real servers and tools installs them first.
BeforeAll {
    . (Join-Path $PSScriptRoot '../../build/BuildPlan.ps1')
}

Describe 'build.ps1 task plan' {
    It 'Build compiles and installs nothing' {
        Get-BuildPlan -Task Build | Should -Be @('Build')
    }

    It 'Stage builds and stages without installing' {
        Get-BuildPlan -Task Stage | Should -Be @('Build', 'Stage')
    }

    It '<Task> bootstraps, builds and stages before it runs' -ForEach @(
        @{ Task = 'Test' }, @{ Task = 'Demo' }, @{ Task = 'Rehearse' }, @{ Task = 'Bench' }
    ) {
        Get-BuildPlan -Task $Task | Should -Be @('Bootstrap', 'Build', 'Stage', $Task)
    }

    It '<Task> stages and needs no system packages' -ForEach @(@{ Task = 'Install' }, @{ Task = 'Package' }) {
        Get-BuildPlan -Task $Task | Should -Be @('Build', 'Stage', $Task)
    }

    It 'runs each step once and installs before it builds when tasks are combined' {
        Get-BuildPlan -Task Build, Test, Demo | Should -Be @('Bootstrap', 'Build', 'Stage', 'Test', 'Demo')
    }

    It 'every task build.ps1 accepts has a plan' {
        $accepted = (Get-Command (Join-Path $PSScriptRoot '../../build.ps1')).Parameters['Task'].Attributes |
            Where-Object { $_ -is [ValidateSet] } | ForEach-Object ValidValues
        $accepted | Sort-Object | Should -Be (@($BuildTaskSteps.Keys) | Sort-Object)
    }

    It 'names an unknown task in its error' {
        { Get-BuildPlan -Task Deploy } | Should -Throw "*unknown task 'Deploy'*"
    }
}
