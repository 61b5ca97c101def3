using System.Text.Json;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// The timeline as one self-contained HTML file: the page (timeline.html, an embedded resource, inline CSS and
/// script, nothing fetched) with the run's <see cref="TimelineData"/> embedded as JSON. The page draws one loop at a
/// time: a lane per task under its node, the phases as bars, messages as marks, collisions outlined.
/// </summary>
public static class TimelinePage
{
    /// <summary>Where the data goes in the template: the content of its script type="application/json" block.</summary>
    internal const string Placeholder = "@@TIMELINE_DATA@@";

    private const string ResourceName = "timeline.html";
    private static readonly Lazy<string> Template = new(LoadTemplate);

    public static string Render(TimelineData data)
    {
        var json = JsonSerializer.Serialize(data, TimelineEvent.Json);
        // Inside a script element "</" could end it early (or "<!--" change how it is parsed). The serializer already
        // writes '<' as \u003C; this keeps the block safe even if that encoder is ever relaxed. "<\/" is valid JSON.
        json = json.Replace("</", "<\\/", StringComparison.Ordinal).Replace("<!--", "<\\u0021--", StringComparison.Ordinal);
        return Template.Value.Replace(Placeholder, json, StringComparison.Ordinal);
    }

    public static void Write(TimelineData data, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, Render(data));
    }

    private static string LoadTemplate()
    {
        using var stream = typeof(TimelinePage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var template = reader.ReadToEnd();
        var at = template.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || template.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"{ResourceName} must hold {Placeholder} exactly once");
        return template;
    }
}
