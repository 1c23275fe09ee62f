using Xunit;

namespace __PASCAL__.Tests;

public sealed class ToolAppTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ToolApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Hello_greets_the_name()
    {
        var (code, output, _) = Run("hello", "ops");
        Assert.Equal(0, code);
        Assert.Equal("hello, ops", output.Trim());
    }

    [Fact]
    public void No_arguments_is_a_usage_error()
    {
        var (code, output, _) = Run();
        Assert.Equal(2, code);
        Assert.Contains("usage: __NAME__", output);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error_on_stderr()
    {
        var (code, output, error) = Run("explode");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("unknown command", error);
    }
}
