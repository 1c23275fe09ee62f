# Whether a TCP port of this host is in the LISTEN state, read from /proc/net/tcp and tcp6 without
# connecting to it. The managed HttpListener of .NET on Linux fails its Start (an
# ArgumentNullException) when a client connects between its socket's listen and its first accept,
# so whoever waits for a starting guardian looks here first and connects only once the port listens.
# Dot-sourced by the federation tests and the rehearsal.

function Test-VmPortListening {
    param([Parameter(Mandatory)] [int] $Port)
    $suffix = ':{0:X4}' -f $Port
    foreach ($table in '/proc/net/tcp', '/proc/net/tcp6') {
        if (-not (Test-Path -LiteralPath $table)) { continue }
        foreach ($line in [IO.File]::ReadLines($table)) {
            # sl local_address rem_address st ...; st 0A is LISTEN.
            $fields = $line.Trim() -split '\s+'
            if ($fields.Count -gt 3 -and $fields[1].EndsWith($suffix, [StringComparison]::Ordinal) -and $fields[3] -eq '0A') { return $true }
        }
    }
    $false
}
