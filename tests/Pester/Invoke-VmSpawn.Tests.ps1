BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Cmd = 'VaultMesh.PowerShell.Commands.InvokeVmSpawnCommand'
    $script:LintModules = Join-Path $script:RepoRoot 'tools/spawn-lint/node_modules'

    function New-SpawnRoot { Join-Path (New-VmTestHome) 'components' }

    # Runs a native command in a folder and returns its exit code and combined output.
    function Invoke-InFolder {
        param([string] $Folder, [string] $FilePath, [string[]] $ArgumentList)
        Push-Location $Folder
        try {
            $output = & $FilePath @ArgumentList 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
        }
        finally { Pop-Location }
    }

    # The generated project's own build and tests: built once, then tested without rebuilding.
    function Test-GeneratedProject {
        param([string] $Folder)
        $build = Invoke-InFolder $Folder 'dotnet' @('build', '-c', 'Release', '--nologo', '-v', 'q')
        $build.ExitCode | Should -Be 0 -Because $build.Output
        $test = Invoke-InFolder $Folder 'dotnet' @('test', '-c', 'Release', '--no-build', '--nologo')
        $test.ExitCode | Should -Be 0 -Because $test.Output
        $test.Output
    }

    function Test-SpawnLint {
        param([string[]] $Files)
        $lint = Invoke-InFolder $PSScriptRoot 'node' (@((Join-Path $PSScriptRoot 'SpawnLint.mjs'), $script:LintModules) + $Files)
        $lint.ExitCode | Should -Be 0 -Because $lint.Output
        ($lint.Output -split "`n" | Where-Object { $_ -like 'ok *' }).Count | Should -Be $Files.Count
    }
}

Describe 'Invoke-VmSpawn' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'generates a service with MCP and NATS that builds, passes its own tests and lints' {
        $root = New-SpawnRoot
        $spawn = Invoke-VmSpawn -Name pay-api -Type service -WithMcp -WithMq nats -Destination $root
        $spawn.Name | Should -Be 'pay-api'
        $spawn.WithMq | Should -Be 'nats'
        $spawn.Path | Should -Be (Join-Path $root 'pay-api')
        $spawn.Intact | Should -BeTrue
        foreach ($file in 'Dockerfile', 'Makefile', 'README.md', '.github/workflows/ci.yml', 'deploy/kubernetes/base/deployment.yaml',
            'monitoring/prometheus.yml', 'src/PayApi/Mcp/McpServer.cs', 'src/PayApi/Messaging/EventPublisher.cs', 'vaultmesh.spawn.json') {
            Join-Path $spawn.Path $file | Should -Exist
        }
        Get-Content -Raw (Join-Path $spawn.Path 'src/PayApi/ServiceApp.cs') | Should -Match 'public const string Name = "pay-api";'
        Get-ChildItem -Recurse -File $spawn.Path | Select-String -SimpleMatch '__NAME__', '__PASCAL__' | Should -BeNullOrEmpty

        $tests = Test-GeneratedProject $spawn.Path
        $tests | Should -Match 'Passed!'
        $tests | Should -Match 'Failed:\s+0'
        $yaml = Get-ChildItem -Recurse -File $spawn.Path -Include *.yml, *.yaml | ForEach-Object FullName
        Test-SpawnLint (@((Join-Path $spawn.Path 'Dockerfile')) + $yaml)
    }

    It 'generates a tool with MCP and RabbitMQ that builds and passes its own tests' {
        $root = New-SpawnRoot
        $spawn = [pscustomobject]@{ Name = 'ops-tool'; Type = 'tool'; WithMcp = $true; WithMq = 'rabbitmq' } | Invoke-VmSpawn -Destination $root
        $spawn.Type | Should -Be 'tool'
        Join-Path $spawn.Path 'src/OpsTool/Messaging/QueuePublisher.cs' | Should -Exist
        Test-GeneratedProject $spawn.Path | Should -Match 'Failed:\s+0'
    }

    It 'generates the plain service and tool as subsets of the builds above' {
        $root = New-SpawnRoot
        $service = Invoke-VmSpawn plain-svc -Destination $root
        $tool = Invoke-VmSpawn plain-tool tool -Destination $root
        $service.WithMcp | Should -BeFalse
        $service.WithMq | Should -BeNullOrEmpty
        Join-Path $service.Path 'src/PlainSvc/Mcp' | Should -Not -Exist
        Join-Path $service.Path 'src/PlainSvc/features' | Should -Not -Exist
        Join-Path $tool.Path 'src/PlainTool/ToolApp.cs' | Should -Exist
        # The same base files as the services that were built above, with their own names.
        ($service.Files | Where-Object { $_ -notmatch 'Mcp|Messaging|features|docs/' }).Count | Should -Be $service.Files.Count
    }

    It 'generates an infra skeleton whose Terraform parses' {
        $spawn = Invoke-VmSpawn -Name net-core -Type infra -Destination (New-SpawnRoot)
        $hcl = Get-ChildItem -Recurse -File $spawn.Path -Include *.tf, *.tfvars | ForEach-Object FullName
        $hcl.Count | Should -BeGreaterOrEqual 5
        Test-SpawnLint $hcl
        Get-Content -Raw (Join-Path $spawn.Path 'main.tf') | Should -Match 'name = "net-core"'
    }

    It 'spawns into spawn.root and records a spawn memory with the tree hash as artifact' {
        $root = Join-Path $env:VAULTMESH_HOME 'forge'
        Set-VmConfiguration -Setting @{ 'spawn.root' = $root }
        $spawn = Invoke-VmSpawn billing
        $spawn.Path | Should -Be (Join-Path $root 'billing')
        $memory = Get-VmMemory -Type spawn
        $memory.Component | Should -Be 'billing'
        $memory.Id | Should -Be $spawn.MemoryId
        $memory.ArtifactHash | Should -Be $spawn.TreeHash
        (Get-Content -Raw (Join-Path $spawn.Path 'vaultmesh.spawn.json') | ConvertFrom-Json).memoryId | Should -Be $memory.Id
        (Get-VmTimeline | Where-Object { $_.Id -eq $memory.Id }).Summary | Should -Match 'billing'
    }

    It 'gives a tree hash that sha256sum reproduces' {
        $spawn = Invoke-VmSpawn hashme tool -Destination (New-SpawnRoot)
        $listing = bash -c "cd '$($spawn.Path)' && find . -type f ! -name vaultmesh.spawn.json | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum"
        'sha256:' + ($listing -split ' ')[0] | Should -Be $spawn.TreeHash
    }

    It 'refuses an existing target without -Force and writes nothing; -Force replaces it' {
        $root = New-SpawnRoot
        $first = Invoke-VmSpawn twice -Destination $root
        Set-Content -LiteralPath (Join-Path $first.Path 'README.md') -Value 'edited'
        { Invoke-VmSpawn twice -Destination $root -ErrorAction Stop } | Should -Throw -ErrorId "VmSpawnTargetExists,$script:Cmd"
        Get-Content -Raw (Join-Path $first.Path 'README.md') | Should -Be "edited$([Environment]::NewLine)"
        @(Get-VmMemory -Type spawn).Count | Should -Be 1
        $again = Invoke-VmSpawn twice -Destination $root -Force
        $again.Intact | Should -BeTrue
        Get-Content -Raw (Join-Path $again.Path 'README.md') | Should -Match '# twice'
        @(Get-ChildItem -Force $root).Name | Should -Be @('twice')
    }

    It 'fails an invalid name or an unknown type before anything is created' -TestCases @(
        @{ Arguments = @{ Name = 'Bad_Name' }; Id = 'VmSpawnNameInvalid' }
        @{ Arguments = @{ Name = '-lead' }; Id = 'VmSpawnNameInvalid' }
        @{ Arguments = @{ Name = 'system-x' }; Id = 'VmSpawnNameInvalid' }
        @{ Arguments = @{ Name = "abc`n" }; Id = 'VmSpawnNameInvalid' }
        @{ Arguments = @{ Name = "system`n" }; Id = 'VmSpawnNameInvalid' }
        @{ Arguments = @{ Name = 'ok-name'; Type = 'lambda' }; Id = 'VmSpawnTypeUnknown' }
        @{ Arguments = @{ Name = 'ok-name'; Type = 'infra'; WithMcp = $true }; Id = 'VmSpawnOptionUnsupported' }
        @{ Arguments = @{ Name = 'ok-name'; WithMq = 'kafka' }; Id = 'VmSpawnOptionUnsupported' }
    ) {
        param($Arguments, $Id)
        $root = New-SpawnRoot
        { Invoke-VmSpawn @Arguments -Destination $root -ErrorAction Stop } | Should -Throw -ErrorId "$Id,$script:Cmd"
        $root | Should -Not -Exist
        Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db' | Should -Not -Exist
    }

    It '-WhatIf lists the files it would write and writes nothing' {
        $root = New-SpawnRoot
        $child = Invoke-VmChildPwsh -Script "Invoke-VmSpawn whatif-svc -WithMcp -Destination '$root' -WhatIf" -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $child.ExitCode | Should -Be 0 -Because $child.StdErr
        $child.StdOut | Should -Match 'What if: Spawn service .whatif-svc.'
        $child.StdOut | Should -Match 'src/WhatifSvc/Mcp/McpServer\.cs'
        $child.StdOut | Should -Match 'vaultmesh\.spawn\.json'
        $root | Should -Not -Exist
        Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db' | Should -Not -Exist
    }

    It 'removes everything it wrote when a template file fails part-way' {
        # The overlay needs src/x to be a folder, the base made it a file: the write fails after
        # the base files are written.
        $templates = Join-Path $env:VAULTMESH_HOME 'templates'
        New-Item -ItemType Directory -Force -Path (Join-Path $templates 'worker/src'), (Join-Path $templates 'mcp/src/x') | Out-Null
        Set-Content -LiteralPath (Join-Path $templates 'worker/README.md') -Value '# __NAME__'
        Set-Content -LiteralPath (Join-Path $templates 'worker/src/x') -Value 'a file'
        Set-Content -LiteralPath (Join-Path $templates 'mcp/src/x/y.txt') -Value 'needs a folder'
        Set-VmConfiguration -Setting @{ 'spawn.templates' = $templates }
        $root = New-SpawnRoot
        { Invoke-VmSpawn half -Type worker -WithMcp -Destination $root -ErrorAction Stop } | Should -Throw -ErrorId "VmSpawnFailed,$script:Cmd"
        $root | Should -Not -Exist
        Get-VmMemory -Type spawn | Should -BeNullOrEmpty
    }

    It 'restores the replaced component when a -Force spawn fails part-way' {
        $templates = Join-Path $env:VAULTMESH_HOME 'templates'
        New-Item -ItemType Directory -Force -Path (Join-Path $templates 'worker/src'), (Join-Path $templates 'mcp/src/x') | Out-Null
        Set-Content -LiteralPath (Join-Path $templates 'worker/src/x') -Value 'a file'
        Set-Content -LiteralPath (Join-Path $templates 'mcp/src/x/y.txt') -Value 'needs a folder'
        Set-VmConfiguration -Setting @{ 'spawn.templates' = $templates }
        $root = New-SpawnRoot
        $before = Invoke-VmSpawn keep -Type worker -Destination $root
        { Invoke-VmSpawn keep -Type worker -WithMcp -Force -Destination $root -ErrorAction Stop } | Should -Throw -ErrorId "VmSpawnFailed,$script:Cmd"
        (Get-VmSpawn keep -Root $root).TreeHash | Should -Be $before.TreeHash
        @(Get-ChildItem -Force $root).Name | Should -Be @('keep')
    }

    It 'uses a profile template folder for a new type' {
        $templates = Join-Path $env:VAULTMESH_HOME 'templates'
        New-Item -ItemType Directory -Force -Path (Join-Path $templates 'docs-site') | Out-Null
        Set-Content -LiteralPath (Join-Path $templates 'docs-site/__NAME__.md') -Value '# __PASCAL__'
        Set-VmConfiguration -Setting @{ 'spawn.templates' = $templates }
        $spawn = Invoke-VmSpawn guide -Type docs-site -Destination (New-SpawnRoot)
        $spawn.TemplateVersion | Should -Match '^custom-[0-9a-f]{12}$'
        Get-Content (Join-Path $spawn.Path 'guide.md') | Should -Be '# Guide'
    }

    It 'vm spawn create, list and describe use the same root' {
        $create = Invoke-VmLauncher -ArgumentList @('spawn', 'create', 'cli-svc', '--type', 'tool', '--with-mcp') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $create.ExitCode | Should -Be 0 -Because $create.StdErr
        ($create.StdOut | ConvertFrom-Json).data.withMcp | Should -BeTrue
        $list = Invoke-VmLauncher -ArgumentList @('spawn', 'list') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        @(($list.StdOut | ConvertFrom-Json).data).name | Should -Be @('cli-svc')
        $describe = Invoke-VmLauncher -ArgumentList @('spawn', 'describe', 'cli-svc') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        ($describe.StdOut | ConvertFrom-Json).data.files | Should -Contain 'src/CliSvc/Mcp/McpServer.cs'
        $again = Invoke-VmLauncher -ArgumentList @('spawn', 'create', 'cli-svc') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $again.ExitCode | Should -Be 1
        ($again.StdOut | ConvertFrom-Json).errors[0].id | Should -Be 'VmSpawnTargetExists'
    }

    It '-Legacy runs spawn.sh from the working directory, and 127 when there is none' {
        $work = New-VmTestHome
        Push-Location $work
        try {
            $missing = Invoke-VmSpawn legacy-one -Legacy
            $missing.ExitCode | Should -Be 127
            Set-Content -LiteralPath (Join-Path $work 'spawn.sh') -Value 'echo "spawned $1 $2 $3 $4 $5"; exit 3'
            $ran = Invoke-VmSpawn legacy-one worker -WithMq nats -Legacy
            $ran.ExitCode | Should -Be 3
            $ran.StdOut | Should -Be 'spawned legacy-one worker --with-mq nats'
            $ran.Command | Should -Be @('bash', 'spawn.sh', 'legacy-one', 'worker', '--with-mq', 'nats')
        }
        finally { Pop-Location }
    }
}
