namespace ActorRunner.Orchestrator.Configuration;

/// <summary>
/// A structural check run before Akka's HOCON parser, which accepts unbalanced braces silently and can loop
/// forever on an unclosed array: brackets and braces must pair up and strings must close, outside comments.
/// Returns the first problem with its line, or null.
/// </summary>
public static class HoconSyntax
{
    public static string? FirstProblem(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"':
                    var triple = i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"';
                    var start = line;
                    if (triple)
                    {
                        var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                        if (end < 0) return $"line {start}: a \"\"\" string is never closed";
                        line += text.AsSpan(i, end - i).Count('\n');
                        i = end + 2;
                        break;
                    }
                    for (i++; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] == '\\') i++;
                        else if (text[i] == '\n') return $"line {start}: a quoted string is not closed on its line";
                    }
                    if (i >= text.Length) return $"line {start}: a quoted string is never closed";
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0) return $"line {line}: '{c}' closes nothing";
                    var (bracket, openedAt) = open.Pop();
                    if (bracket != expected) return $"line {line}: '{c}' closes the '{bracket}' opened on line {openedAt}";
                    break;
            }
        }
        return open.Count > 0 ? $"line {open.Peek().Line}: '{open.Peek().Bracket}' is never closed" : null;
    }
}
