using System.Text;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>
/// How a node is started on another host: a command line such as
/// <c>ssh {host} dotnet /opt/actor-runner/ActorRunner.TaskNode.dll {args}</c>, split into words as a shell would
/// (spaces separate words; single and double quotes and backslashes keep them together) but run without one:
/// <c>{host}</c> becomes the host in any word, the word <c>{args}</c> becomes the node's arguments, one word each.
/// </summary>
public sealed class LaunchTemplate
{
    public const string Host = "{host}";
    public const string Args = "{args}";

    private readonly IReadOnlyList<string> _words;

    private LaunchTemplate(IReadOnlyList<string> words) => _words = words;

    public string Text { get; private init; } = "";

    /// <summary>The template, or why it is not one (no command, no {args} word, an unclosed quote).</summary>
    public static LaunchTemplate Parse(string text)
    {
        var words = Split(text);
        if (words.Count == 0) throw new FormatException("is empty: give the command that starts a node on {host}, with {args} where its arguments go");
        if (!words.Contains(Args)) throw new FormatException($"'{text}' has no {Args} word (where the node's arguments go)");
        if (words[0] == Args) throw new FormatException($"'{text}' starts with {Args}: give the command that starts the node first");
        return new LaunchTemplate(words) { Text = text };
    }

    /// <summary>The command line (program first) that starts a node with <paramref name="arguments"/> on <paramref name="host"/>.</summary>
    public IReadOnlyList<string> Command(string host, IReadOnlyList<string> arguments) =>
        _words.SelectMany(w => w == Args ? arguments : [w.Replace(Host, host, StringComparison.Ordinal)]).ToList();

    /// <summary>The name a host answers to, without the user of <c>user@host</c>.</summary>
    public static string HostName(string host) => host[(host.LastIndexOf('@') + 1)..];

    private static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else if (c == '\\' && q == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\') word.Append(text[++i]);
                else word.Append(c);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
                inWord = true;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null) throw new FormatException($"'{text}' has an unclosed {quote} quote");
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
