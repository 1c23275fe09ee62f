using System.Globalization;
using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Cli;

/// <summary>
/// Parses <c>vm &lt;domain&gt; &lt;verb&gt; [args] [--profile P] [--format json|table]</c>. Global options are
/// accepted in any position; verb options after the verb (or after the domain when the domain
/// has a default verb). Anything that does not fit throws <see cref="UsageException"/>.
/// </summary>
public static class CommandLineParser
{
    /// <summary>Parses the arguments after <c>vm</c>.</summary>
    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        string? profile = null;
        var format = OutputFormat.Json;
        var help = false;
        DomainSpec? domain = null;
        VerbSpec? verb = null;
        var positionals = new List<string>();
        var parameters = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        var endOfOptions = false;

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!endOfOptions && token == "--")
            {
                endOfOptions = true;
                continue;
            }
            if (!endOfOptions && (token.StartsWith("--", StringComparison.Ordinal) || token == "-h"))
            {
                var (name, inline) = SplitOption(token);
                string TakeValue(string optionName)
                {
                    if (inline is not null)
                    {
                        return inline;
                    }
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"Option --{optionName} needs a value.", token);
                    }
                    return args[++i];
                }
                switch (name)
                {
                    case "profile":
                        profile = ProfileName.Validate(TakeValue(name));
                        continue;
                    case "format":
                        var f = TakeValue(name);
                        format = f.ToLowerInvariant() switch
                        {
                            "json" => OutputFormat.Json,
                            "table" => OutputFormat.Table,
                            _ => throw new UsageException($"Unknown format '{f}'. Valid formats: json, table.", f),
                        };
                        continue;
                    case "help" or "h":
                        help = true;
                        continue;
                }
                if (domain is null)
                {
                    throw new UsageException($"Unknown option --{name} before the domain. Global options: {GlobalList()}.", token);
                }
                if (verb is null)
                {
                    verb = domain.DefaultVerb is { } dv && Find(domain, dv) is { } def && def.Options.Any(o => o.Name == name)
                        ? def
                        : throw new UsageException($"Option --{name} must follow a verb. Verbs of '{domain.Name}': {VerbList(domain)}.", token);
                }
                var option = verb.Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UsageException(
                        $"Unknown option --{name} for 'vm {verb.Domain} " +
                        $"{verb.Verb}'. Valid options: {OptionList(verb)}.", token);
                Bind(verb, option, option.Kind == OptionKind.Flag ? inline : TakeValue(option.Name), parameters, token);
                continue;
            }
            if (domain is null)
            {
                if (string.Equals(token, "help", StringComparison.OrdinalIgnoreCase))
                {
                    help = true;
                    continue;
                }
                domain = CommandGrammar.FindDomain(token)
                    ?? throw new UsageException($"Unknown domain '{token}'. Valid domains: {DomainList()}. Try 'vm help'.", token);
                continue;
            }
            if (verb is null)
            {
                // Two-word verbs ("peers add", "quarantine release") take the next word too, before a one-word verb they start with.
                if (i + 1 < args.Count && Find(domain, token + " " + args[i + 1]) is { } twoWords)
                {
                    verb = twoWords;
                    i++;
                    continue;
                }
                verb = Find(domain, token)
                    ?? throw new UsageException($"Unknown verb '{token}' for domain '{domain.Name}'. Valid verbs: {VerbList(domain)}.", token);
                continue;
            }
            positionals.Add(token);
            endOfOptions |= verb.Passthrough;
        }

        if (help || domain is null)
        {
            var text = verb is not null ? HelpWriter.ForVerb(verb) : domain is not null ? HelpWriter.ForDomain(domain) : HelpWriter.ForAll();
            return new ParsedCommandLine(null, parameters, profile, format, text) { HelpVerb = verb };
        }
        if (verb is null)
        {
            verb = domain.DefaultVerb is { } dv ? Find(domain, dv)! :
                throw new UsageException($"Missing verb for domain '{domain.Name}'. Valid verbs: {VerbList(domain)}.", domain.Name);
        }
        BindPositionals(verb, positionals, parameters);
        if (profile is not null)
        {
            parameters["Profile"] = profile;
        }
        return new ParsedCommandLine(verb, parameters, profile, format, null);
    }

    private static void BindPositionals(VerbSpec verb, List<string> positionals, Dictionary<string, object> parameters)
    {
        var index = 0;
        foreach (var arg in verb.Arguments)
        {
            if (arg.Variadic)
            {
                if (index < positionals.Count)
                {
                    parameters[arg.Parameter] = positionals.Skip(index).ToArray();
                    index = positionals.Count;
                }
            }
            else if (index < positionals.Count)
            {
                parameters[arg.Parameter] = positionals[index++];
            }
            if (arg.Required && !parameters.ContainsKey(arg.Parameter))
            {
                throw new UsageException(
                    $"Missing argument <{arg.Name}> for 'vm {verb.Domain} " +
                    $"{verb.Verb}'. Usage: {HelpWriter.Usage(verb)}", arg.Name);
            }
        }
        if (index < positionals.Count)
        {
            throw new UsageException(
                $"Unexpected argument '{positionals[index]}' for 'vm " +
                $"{verb.Domain} {verb.Verb}'. Usage: {HelpWriter.Usage(verb)}", positionals[index]);
        }
    }

    private static void Bind(VerbSpec verb, OptionSpec option, string? value, Dictionary<string, object> parameters, string token)
    {
        switch (option.Kind)
        {
            case OptionKind.Flag:
                parameters[option.Parameter] = value is null || (KillSwitches.ParseFlag(value)
                    ?? throw new UsageException($"Option --{option.Name} is a flag; '{value}' is not a boolean.", token));
                break;
            case OptionKind.Text:
                parameters[option.Parameter] = value!;
                break;
            case OptionKind.Number:
                parameters[option.Parameter] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new UsageException($"Option --{option.Name} needs a whole number; got '{value}'.", token);
                break;
            case OptionKind.Boolean:
                parameters[option.Parameter] = KillSwitches.ParseFlag(value)
                    ?? throw new UsageException($"Option --{option.Name} needs one of 1/true/yes/on or 0/false/no/off; got '{value}'.", token);
                break;
            case OptionKind.List:
                var items = value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                parameters[option.Parameter] = parameters.TryGetValue(option.Parameter, out var existing)
                    ? ((string[])existing).Concat(items).ToArray()
                    : items;
                break;
            case OptionKind.KeyValue:
                var eq = value!.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new UsageException($"Option --{option.Name} needs key=value; got '{value}'.", token);
                }
                // Key=value options carry setting keys; a key that cannot be written is a usage error here, before anything runs.
                if (SettingRules.KeyProblem(value[..eq]) is { } problem)
                {
                    throw new UsageException($"Option --{option.Name} '{value[..eq]}': {problem}. Usage: {HelpWriter.Usage(verb)}", token);
                }
                if (!parameters.TryGetValue(option.Parameter, out var dict))
                {
                    parameters[option.Parameter] = dict = new Dictionary<string, string>(StringComparer.Ordinal);
                }
                ((Dictionary<string, string>)dict)[value[..eq]] = value[(eq + 1)..];
                break;
        }
    }

    private static (string Name, string? Inline) SplitOption(string token)
    {
        var body = token.TrimStart('-');
        var eq = body.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (body.ToLowerInvariant(), null) : (body[..eq].ToLowerInvariant(), body[(eq + 1)..]);
    }

    private static VerbSpec? Find(DomainSpec domain, string verb) =>
        domain.Verbs.FirstOrDefault(v => string.Equals(v.Verb, verb, StringComparison.OrdinalIgnoreCase));

    private static string DomainList() => string.Join(", ", CommandGrammar.Domains.Select(d => d.Name));
    private static string VerbList(DomainSpec d) => string.Join(", ", d.Verbs.Select(v => v.Verb));
    private static string GlobalList() => string.Join(", ", CommandGrammar.GlobalOptions.Select(o => "--" + o.Name));
    private static string OptionList(VerbSpec v) => string.Join(", ", v.Options.Concat(CommandGrammar.GlobalOptions).Select(o => "--" + o.Name));
}
