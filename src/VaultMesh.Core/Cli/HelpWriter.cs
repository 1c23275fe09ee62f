using System.Text;

namespace VaultMesh.Core.Cli;

/// <summary>Describes the grammar: all domains, one domain, or one verb.</summary>
public static class HelpWriter
{
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>Help for <c>vm help</c>.</summary>
    public static string ForAll()
    {
        var sb = new StringBuilder();
        sb.AppendLine("usage: vm <domain> <verb> [arguments] [--profile <name>] [--format json|table]");
        sb.AppendLine();
        sb.AppendLine("Global options may stand anywhere on the line. Exit codes: 0 ok, 1 the action failed, 2 usage error.");
        sb.AppendLine();
        sb.AppendLine("domains:");
        foreach (var d in CommandGrammar.Domains)
        {
            sb.AppendLine(Inv, $"  {d.Name,-12} {d.Summary}");
            foreach (var v in d.Verbs)
            {
                sb.AppendLine(Inv, $"    {v.Verb,-10} {v.Summary}");
            }
        }
        sb.AppendLine();
        AppendGlobals(sb);
        sb.Append("Run 'vm <domain> --help' or 'vm <domain> <verb> --help' for details.");
        return sb.ToString();
    }

    /// <summary>Help for <c>vm &lt;domain&gt; --help</c>.</summary>
    public static string ForDomain(DomainSpec domain)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"usage: vm {domain.Name} <verb> [arguments] [options]");
        sb.AppendLine();
        sb.AppendLine(domain.Summary);
        sb.AppendLine();
        sb.AppendLine("verbs:");
        foreach (var v in domain.Verbs)
        {
            var mark = v.Verb == domain.DefaultVerb ? " (default)" : "";
            sb.AppendLine(Inv, $"  {v.Verb,-10} {v.Summary}{mark}");
        }
        sb.AppendLine();
        AppendGlobals(sb);
        return sb.ToString().TrimEnd();
    }

    /// <summary>Help for <c>vm &lt;domain&gt; &lt;verb&gt; --help</c>.</summary>
    public static string ForVerb(VerbSpec verb)
    {
        var sb = new StringBuilder();
        sb.AppendLine("usage: " + Usage(verb));
        sb.AppendLine();
        sb.AppendLine(Inv, $"{verb.Summary} (cmdlet: {verb.Cmdlet})");
        if (verb.Arguments.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("arguments:");
            foreach (var a in verb.Arguments)
            {
                sb.AppendLine(Inv, $"  <{a.Name}>{(a.Variadic ? "..." : ""),-4} {a.Help}");
            }
        }
        if (verb.Options.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("options:");
            foreach (var o in verb.Options)
            {
                sb.AppendLine(Inv, $"  {OptionSyntax(o),-34} {o.Help}");
            }
        }
        sb.AppendLine();
        AppendGlobals(sb);
        return sb.ToString().TrimEnd();
    }

    /// <summary>One-line usage of a verb.</summary>
    public static string Usage(VerbSpec verb)
    {
        var parts = new List<string> { "vm", verb.Domain, verb.Verb };
        parts.AddRange(verb.Arguments.Select(a => (a.Required ? "<" : "[<") + a.Name + ">" + (a.Variadic ? "..." : "") + (a.Required ? "" : "]")));
        if (verb.Options.Count > 0)
        {
            parts.Add("[options]");
        }
        return string.Join(' ', parts);
    }

    private static void AppendGlobals(StringBuilder sb)
    {
        sb.AppendLine("global options:");
        foreach (var o in CommandGrammar.GlobalOptions)
        {
            sb.AppendLine(Inv, $"  {OptionSyntax(o),-34} {o.Help}");
        }
    }

    private static string OptionSyntax(OptionSpec o) => o.Kind == OptionKind.Flag ? "--" + o.Name : $"--{o.Name} <{o.ValueName}>";
}
