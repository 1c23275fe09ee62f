using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace VaultMesh.TestServers;

/// <summary>
/// A real redis-server (Debian's package) on a free 127.0.0.1 port, with append-only persistence
/// fsynced on every write into a folder of its own, so a test can kill it (SIGKILL) and start it again
/// on the same port and data, as the compose file runs it.
/// </summary>
internal sealed class RedisTestServer : IDisposable
{
    private readonly bool _ownsDirectory;
    private Process? _process;

    private RedisTestServer(string directory, bool ownsDirectory, int port)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Port = port;
    }

    /// <summary>The data folder.</summary>
    public string Directory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Whether the server process is running.</summary>
    public bool Running => _process is { HasExited: false };

    /// <summary>Starts a server; retries on another port when the chosen one is taken first.</summary>
    public static RedisTestServer Start()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vmx-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        for (var attempt = 0; ; attempt++)
        {
            var server = new RedisTestServer(directory, ownsDirectory: true, LoopbackPort.Next());
            try
            {
                server.Restart();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                server.Kill();
            }
        }
    }

    /// <summary>Starts the server process (again) on the same port and data; returns when it answers PING.</summary>
    public void Restart()
    {
        if (Running)
        {
            throw new InvalidOperationException("redis-server is already running.");
        }
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning" })
        {
            start.ArgumentList.Add(a);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!SpinWait.SpinUntil(() => _process.HasExited || Pong(), TimeSpan.FromSeconds(30)) || _process.HasExited)
        {
            throw new InvalidOperationException($"redis-server did not start on port {Port}.");
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    private bool Pong()
    {
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync("127.0.0.1", Port).Wait(200))
            {
                return false;
            }
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or AggregateException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Kill();
        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
