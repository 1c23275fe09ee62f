using System.Reflection;

namespace __PASCAL__;

/// <summary>The __NAME__ command line: exit 0 ok, 2 usage error.</summary>
public static class ToolApp
{
    /// <summary>Runs one command line and returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine("usage: __NAME__ <command> [args]");
            output.WriteLine("  hello [name]   greet name (default: world)");
            output.WriteLine("  version        print the version");
            return args.Count == 0 ? 2 : 0;
        }
        switch (args[0])
        {
            case "hello" when args.Count <= 2:
                output.WriteLine($"hello, {(args.Count == 2 ? args[1] : "world")}");
                return 0;
            case "version" or "--version":
                output.WriteLine(typeof(ToolApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
                return 0;
            default:
                error.WriteLine($"__NAME__: unknown command or arguments: {string.Join(' ', args)}");
                return 2;
        }
    }
}
