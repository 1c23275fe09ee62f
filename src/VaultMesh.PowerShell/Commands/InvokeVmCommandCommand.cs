using System.Collections;
using System.Management.Automation;
using VaultMesh.Core.Cli;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmCommand cmdlet; its help is docs/en-US/Invoke-VmCommand.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmCommand")]
[Alias("vm")]
[OutputType(typeof(string))]
public sealed class InvokeVmCommandCommand : VaultMeshCmdlet
{
    /// <summary>The words after <c>vm</c>. PowerShell turns <c>a,b</c> into an array; it is passed on as the
    /// comma-separated text the grammar expects.</summary>
    [Parameter(Position = 0, ValueFromRemainingArguments = true)]
    [AllowEmptyCollection]
    public object[] ArgumentList { get; set; } = [];

    /// <summary>The grammar takes --profile itself.</summary>
    public override string? Profile { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        ParsedCommandLine parsed;
        try
        {
            parsed = CommandLineParser.Parse(ArgumentList.Select(Word).ToArray());
        }
        catch (VaultMeshException ex)
        {
            WriteVmError(ex);
            SetExitCode(2);
            return;
        }
        if (parsed.Verb is null)
        {
            WriteObject(parsed.HelpVerb is null ? parsed.HelpText : parsed.HelpText + Environment.NewLine + CmdletHelp(parsed.HelpVerb.Cmdlet));
            SetExitCode(0);
            return;
        }
        SetExitCode(Run(parsed, parsed.Verb));
    }

    private int Run(ParsedCommandLine parsed, VerbSpec verb)
    {
        // Missing mandatory parameters are found before the cmdlet runs: run, it would prompt the
        // host for them in an interactive session and fail with a PowerShell binding error otherwise.
        if (MissingMandatory(verb, parsed.Parameters) is { } missing)
        {
            WriteVmError(new UsageException($"Missing {missing} for 'vm {verb.Domain} {verb.Verb}'. Usage: {HelpWriter.Usage(verb)}", verb.Action));
            return 2;
        }
        if (InvalidWildcard(verb, parsed.Parameters) is { } wildcard)
        {
            WriteVmError(wildcard);
            return 2;
        }
        var started = DateTimeOffset.UtcNow;
        var output = new List<PSObject>();
        var warnings = new List<string>();
        var errors = new List<EnvelopeError>();
        using (var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace))
        {
            ps.AddCommand(verb.Cmdlet);
            // Warnings travel in the envelope (or are re-written in table mode); the host must not
            // print them to stdout where they would corrupt the JSON document.
            ps.AddParameter("WarningAction", ActionPreference.SilentlyContinue);
            ps.AddParameter("WarningVariable", "+__vmWarnings");
            foreach (var (name, value) in parsed.Parameters)
            {
                ps.AddParameter(name, value is Dictionary<string, string> d ? new Hashtable(d) : value);
            }
            try
            {
                foreach (var item in ps.Invoke())
                {
                    if (item is not null)
                    {
                        output.Add(item);
                    }
                }
            }
            catch (ParameterBindingException ex)
            {
                // A value the cmdlet's parameter refuses (a range, a type, a format) is a usage error.
                WriteVmError(BindingUsage(verb, ex));
                return 2;
            }
            catch (RuntimeException ex)
            {
                errors.Add(ToEnvelopeError(ex.ErrorRecord));
            }
            errors.AddRange(ps.Streams.Error.Select(ToEnvelopeError));
            warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
            if (warnings.Count == 0 && SessionState.PSVariable.GetValue("__vmWarnings") is IEnumerable captured)
            {
                warnings.AddRange(captured.Cast<object>().Select(w => w is WarningRecord r ? r.Message : w.ToString()!));
            }
            SessionState.PSVariable.Remove("__vmWarnings");
            foreach (var v in ps.Streams.Verbose)
            {
                WriteVerbose(v.Message);
            }
        }

        var ok = errors.Count == 0;
        if (ok && verb.EnforcedCheck && output.Any(o => o.BaseObject is false || o.Properties["Valid"]?.Value is false))
        {
            // The id names what failed, as the cmdlet's own would: Test-VmReceipt gives VmReceiptVerificationFailed.
            var failure = VerificationFailure.Of(VaultMeshContext.Resolve(parsed.Profile).KillSwitches,
                "Vm" + verb.Cmdlet[(verb.Cmdlet.IndexOf("-Vm", StringComparison.Ordinal) + 3)..] + "VerificationFailed",
                $"vm {verb.Domain} {verb.Verb}: verification failed.", null);
            if (failure.Severity == VerificationSeverity.Error)
            {
                ok = false;
                errors.Add(new EnvelopeError(failure.ErrorId, failure.Text, ErrorCategory.SecurityError.ToString(), null));
            }
            else
            {
                warnings.Add(failure.Text);
            }
        }

        if (parsed.Format == OutputFormat.Table)
        {
            foreach (var w in warnings)
            {
                WriteWarning(w);
            }
            if (output.Count > 0)
            {
                WriteObject(RenderTable(output));
            }
            foreach (var e in errors)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(e.Message), e.Id,
                    Enum.TryParse<ErrorCategory>(e.Category, out var c) ? c : ErrorCategory.NotSpecified, e.Target));
            }
        }
        else
        {
            object? data = verb.Many || output.Count > 1
                ? output.Select(JsonData.ToPlain).ToArray()
                : output.Count == 1 ? JsonData.ToPlain(output[0]) : null;
            WriteObject(Envelope.Render(verb.Action, ok, started, data, warnings, errors));
        }
        return ok ? 0 : 1;
    }

    private string? MissingMandatory(VerbSpec verb, IReadOnlyDictionary<string, object> bound)
    {
        if (InvokeCommand.GetCommand(verb.Cmdlet, CommandTypes.Cmdlet) is not CmdletInfo cmdlet || cmdlet.ParameterSets.Count == 0)
        {
            return null;
        }
        List<string>? fewest = null;
        foreach (var set in cmdlet.ParameterSets)
        {
            var missing = set.Parameters.Where(p => p.IsMandatory && !bound.ContainsKey(p.Name)).Select(p => p.Name).ToList();
            if (missing.Count == 0)
            {
                return null;
            }
            if (fewest is null || missing.Count < fewest.Count)
            {
                fewest = missing;
            }
        }
        return string.Join(", ", fewest!.Select(p => Spelling(verb, p)));
    }

    // A value of a wildcard parameter that is not wildcard syntax is a usage error, like any value the parameter refuses.
    private UsageException? InvalidWildcard(VerbSpec verb, IReadOnlyDictionary<string, object> bound)
    {
        if (InvokeCommand.GetCommand(verb.Cmdlet, CommandTypes.Cmdlet) is not CmdletInfo cmdlet)
        {
            return null;
        }
        foreach (var (name, value) in bound)
        {
            if (!cmdlet.Parameters.TryGetValue(name, out var parameter) || !parameter.Attributes.OfType<SupportsWildcardsAttribute>().Any())
            {
                continue;
            }
            foreach (var pattern in value is IEnumerable<string> many ? many : value is string one ? [one] : [])
            {
                if (WildcardFilter.Problem(pattern, parameter.Name) is { } problem)
                {
                    return new UsageException($"Invalid {Spelling(verb, parameter.Name)} for 'vm {verb.Domain} {verb.Verb}': {problem.Message} " +
                        $"Usage: {HelpWriter.Usage(verb)}", pattern);
                }
            }
        }
        return null;
    }

    private static UsageException BindingUsage(VerbSpec verb, ParameterBindingException ex)
    {
        var what = string.IsNullOrEmpty(ex.ParameterName) ? "an argument" : Spelling(verb, ex.ParameterName);
        var message = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return new UsageException($"Invalid {what} for 'vm {verb.Domain} {verb.Verb}': {message} Usage: {HelpWriter.Usage(verb)}", what);
    }

    // How the user spelled the parameter on the command line: --option or <argument>.
    private static string Spelling(VerbSpec verb, string parameter) =>
        verb.Options.FirstOrDefault(o => string.Equals(o.Parameter, parameter, StringComparison.OrdinalIgnoreCase))
            is { } option ? "--" + option.Name
        : verb.Arguments.FirstOrDefault(a => string.Equals(a.Parameter, parameter, StringComparison.OrdinalIgnoreCase))
            is { } argument ? $"<{argument.Name}>"
        : "-" + parameter;

    private static string Word(object? argument) => argument switch
    {
        PSObject ps => Word(ps.BaseObject),
        string text => text,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Word)),
        _ => Convert.ToString(argument, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string RenderTable(List<PSObject> output)
    {
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Format-Table").AddParameter("AutoSize").AddCommand("Out-String").AddParameter("Width", 4096);
        var text = string.Concat(ps.Invoke(output).Select(o => o.ToString()));
        return text.Trim('\r', '\n');
    }

    // The same text Get-Help shows: one help source (docs/en-US) for both surfaces.
    private static string CmdletHelp(string cmdlet)
    {
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Get-Help").AddParameter("Name", cmdlet).AddParameter("Full").AddCommand("Out-String").AddParameter("Width", 120);
        return string.Concat(ps.Invoke().Select(o => o.ToString())).Trim('\r', '\n');
    }

    private static EnvelopeError ToEnvelopeError(ErrorRecord record) => new(
        record.FullyQualifiedErrorId.Split(',')[0],
        record.Exception?.Message ?? record.ToString(),
        record.CategoryInfo.Category.ToString(),
        record.TargetObject?.ToString());

    private void SetExitCode(int code) => SessionState.PSVariable.Set(new PSVariable("global:LASTEXITCODE", code));
}
