# Send-VmIntakeEvent and Import-VmMemory -Source Redis against a real redis-server on a free loopback
# port, and the proof that StackExchange.Redis and prometheus-net load beside pwsh's own assemblies.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $script:RepoRoot 'tests/TestServers/VmTestRedis.ps1')
    $script:redis = Start-VmTestRedis
    function New-Event([int] $N) { "{`"type`":`"event`",`"component`":`"intake`",`"version`":`"$N`"}" }
}

AfterAll {
    if ($script:redis) { Stop-VmTestRedis $script:redis -Remove }
}

Describe 'Send-VmIntakeEvent' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        # Each test its own profile, so its stream is its own.
        $script:profileName = 'p' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $env:VAULTMESH_PROFILE = $script:profileName
        Set-VmConfiguration -Redis $script:redis.Configuration
    }
    AfterAll { Remove-Item Env:VAULTMESH_PROFILE -ErrorAction SilentlyContinue }

    It 'sends JSON from the parameter and the pipeline, and the harbinger records it from the stream' {
        $a = Send-VmIntakeEvent -Json (New-Event 1)
        $b = @((New-Event 2), (New-Event 3)) | Send-VmIntakeEvent
        $a.GetType().FullName | Should -Be 'VaultMesh.Core.Redis.IntakeSendResult'
        $a.Stream | Should -Be "vaultmesh:$($script:profileName):intake"
        @($b).Count | Should -Be 2
        $run = Import-VmMemory -Source Redis -Consumer t1
        $run.GetType().FullName | Should -Be 'VaultMesh.Core.Redis.IntakeRunResult'
        $run.Recorded | Should -Be 3
        (Get-VmMemory -Component intake).Count | Should -Be 3
        (Import-VmMemory -Source Redis -Consumer t1).Read | Should -Be 0
    }

    It 'sends files bound by FullName from Get-ChildItem' {
        $dir = Join-Path TestDrive: 'events'
        New-Item -ItemType Directory -Path $dir | Out-Null
        1..3 | ForEach-Object { New-Event $_ | Set-Content (Join-Path $dir "e$_.json") }
        $sent = Get-ChildItem $dir -Filter *.json | Send-VmIntakeEvent
        @($sent).Count | Should -Be 3
        $sent[0].Source | Should -BeLike '*e1.json'
    }

    It '-WhatIf sends nothing' {
        Send-VmIntakeEvent -Json (New-Event 1) -WhatIf | Should -BeNullOrEmpty
        (Import-VmMemory -Source Redis -Consumer t1).Read | Should -Be 0
    }

    It 'refuses an invalid event with VmIntakeEventInvalid and sends nothing' {
        Send-VmIntakeEvent -Json '{"type":"event"}' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'VmIntakeEventInvalid,VaultMesh.PowerShell.Commands.SendVmIntakeEventCommand'
        "$($e[0])" | Should -Match 'field-missing'
        (Import-VmMemory -Source Redis -Consumer t1).Read | Should -Be 0
    }

    It 'Import-VmMemory -Source Redis -WhatIf records nothing and leaves the entries for the real run' {
        Send-VmIntakeEvent -Json (New-Event 1) | Out-Null
        Import-VmMemory -Source Redis -Consumer t1 -WhatIf | Should -BeNullOrEmpty
        Get-VmMemory | Should -BeNullOrEmpty
        (Import-VmMemory -Source Redis -Consumer t1).Recorded | Should -Be 1
    }

    It 'writes each dead-lettered entry as a VmHarbingerInvalid error naming the dead-letter entry' {
        Send-VmIntakeEvent -Json (New-Event 1) | Out-Null
        & redis-cli -p $script:redis.Port XADD "vaultmesh:$($script:profileName):intake" '*' event '{"type":' | Out-Null
        $run = Import-VmMemory -Source Redis -Consumer t1 -ErrorVariable e -ErrorAction SilentlyContinue
        $run.Recorded | Should -Be 1
        $run.DeadLettered | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'VmHarbingerInvalid,VaultMesh.PowerShell.Commands.ImportVmMemoryCommand'
        "$($e[0])" | Should -Match 'dead-letter stream as \d+-\d+ \(json-invalid\)'
    }

    It 'needs a profile that names Redis: VmRedisNotConfigured' {
        { Import-VmMemory -Source Redis -Profile other -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmRedisNotConfigured,VaultMesh.PowerShell.Commands.ImportVmMemoryCommand'
        { Send-VmIntakeEvent -Json (New-Event 1) -Profile other -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmRedisNotConfigured,VaultMesh.PowerShell.Commands.SendVmIntakeEventCommand'
    }

    It 'reports a Redis that is down as VmRedisUnavailable, and file intake carries on' {
        $down = Start-VmTestRedis
        Stop-VmTestRedis $down -Remove
        Set-VmConfiguration -Redis $down.Configuration
        { Send-VmIntakeEvent -Json (New-Event 1) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmRedisUnavailable,VaultMesh.PowerShell.Commands.SendVmIntakeEventCommand'
        { Import-VmMemory -Source Redis -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmRedisUnavailable,VaultMesh.PowerShell.Commands.ImportVmMemoryCommand'
        $inbox = Join-Path TestDrive: 'inbox'
        New-Item -ItemType Directory -Force -Path $inbox | Out-Null
        New-Event 9 | Set-Content (Join-Path $inbox 'e.json')
        (Import-VmMemory -Inbox $inbox).Recorded | Should -Be 1
    }

    It 'runs as vm harbinger send and vm harbinger run --source redis' {
        $file = Join-Path $TestDrive 'one.json'
        New-Event 7 | Set-Content $file
        $envs = @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VAULTMESH_PROFILE = $script:profileName }
        $send = Invoke-VmLauncher -ArgumentList @('harbinger', 'send', $file) -Environment $envs
        $send.ExitCode | Should -Be 0 -Because $send.StdErr
        ($send.StdOut | ConvertFrom-Json).action | Should -Be 'harbinger.send'
        $run = Invoke-VmLauncher -ArgumentList @('harbinger', 'run', '--source', 'redis') -Environment $envs
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        ($run.StdOut | ConvertFrom-Json).data.Recorded | Should -Be 1
    }

    It 'loads StackExchange.Redis, its pipelines and prometheus-net in the module load context, beside the copies pwsh carries' {
        $script = @"
Add-Type -Path (Join-Path `$PSHOME 'Microsoft.Extensions.ObjectPool.dll')
Add-Type -AssemblyName System.IO.Pipelines
`$null = [System.IO.Pipelines.Pipe]
Send-VmIntakeEvent -Json '$(New-Event 1)' | Out-Null
# A real scrape, served from a second runspace of this process.
`$probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); `$probe.Start(); `$port = `$probe.LocalEndpoint.Port; `$probe.Stop()
# The server says READY=1 on NOTIFY_SOCKET once it listens; only then is it scraped.
`$env:NOTIFY_SOCKET = Join-Path ([IO.Path]::GetTempPath()) ('vmready-' + [guid]::NewGuid().ToString('N').Substring(0, 12) + '.sock')
`$ready = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Dgram, [Net.Sockets.ProtocolType]::Unspecified)
`$ready.Bind([Net.Sockets.UnixDomainSocketEndPoint]::new(`$env:NOTIFY_SOCKET))
`$server = [powershell]::Create()
`$null = `$server.AddScript("Import-Module '$script:ModulePath'; Start-VmMetricsServer -Bind 127.0.0.1:`$port").BeginInvoke()
if (-not `$ready.Poll(60000000, [Net.Sockets.SelectMode]::SelectRead)) { throw 'The metrics server did not say it listens.' }
`$ready.Dispose(); [IO.File]::Delete(`$env:NOTIFY_SOCKET)
if ((Invoke-WebRequest "http://127.0.0.1:`$port/metrics").StatusCode -ne 200) { throw 'The metrics server did not answer.' }
`$server.Stop()
[AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { `$_.GetName().Name -in 'StackExchange.Redis', 'Pipelines.Sockets.Unofficial', 'System.IO.Pipelines', 'Prometheus.NetStandard', 'Microsoft.Extensions.ObjectPool' } |
    ForEach-Object { '{0}|{1}|{2}' -f `$_.GetName().Name, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name, `$_.GetName().Version }
"@
        $r = Invoke-VmChildPwsh -Script $script -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VAULTMESH_PROFILE = $script:profileName }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdErr | Should -BeNullOrEmpty
        $rows = $r.StdOut -split "`n" | Where-Object { $_ } | ForEach-Object { $n, $c, $v = $_.Trim() -split '\|'; [pscustomobject]@{ Name = $n; Context = $c; Version = $v } }
        ($rows | Where-Object Name -eq 'StackExchange.Redis').Context | Should -Be 'VaultMesh'
        ($rows | Where-Object Name -eq 'Pipelines.Sockets.Unofficial').Context | Should -Be 'VaultMesh'
        ($rows | Where-Object Name -eq 'Prometheus.NetStandard').Context | Should -Be 'VaultMesh'
        # pwsh's own System.IO.Pipelines and ObjectPool stay in the default context; ours load beside them.
        @($rows | Where-Object Name -eq 'System.IO.Pipelines').Context | Sort-Object | Should -Be @('Default', 'VaultMesh')
        @($rows | Where-Object Name -eq 'Microsoft.Extensions.ObjectPool').Context | Sort-Object | Should -Be @('Default', 'VaultMesh')
    }
}
