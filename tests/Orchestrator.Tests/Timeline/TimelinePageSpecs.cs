using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public class TimelinePageSpecs
{
    private static readonly Regex DataBlock = new(
        "<script type=\"application/json\" id=\"timeline-data\">(.*?)</script>", RegexOptions.Singleline);

    internal static string EmbeddedJson(string page)
    {
        var blocks = DataBlock.Matches(page);
        Assert.Single(blocks);
        return blocks[0].Groups[1].Value;
    }

    [Fact]
    public void Render_embeds_the_data_as_json_that_reads_back_the_same()
    {
        var data = SyntheticTimeline.Create();

        var page = TimelinePage.Render(data);

        var back = JsonSerializer.Deserialize<TimelineData>(EmbeddedJson(page), TimelineEvent.Json)!;
        Assert.Equal(data.RunId, back.RunId);
        Assert.Equal(data.Verdict, back.Verdict);
        Assert.Equal(data.Nodes.SelectMany(n => n.Tasks), back.Nodes.SelectMany(n => n.Tasks));
        Assert.Equal(data.Events, back.Events);
        Assert.Equal([SyntheticTimeline.CollidingA, SyntheticTimeline.CollidingB], back.Loops[0].Collisions.Single());
        Assert.Equal(data.Loops[1].LockWaitP99Ms, back.Loops[1].LockWaitP99Ms);
    }

    [Fact]
    public void Render_writes_the_data_camel_case_without_nulls_as_timeline_jsonl_does()
    {
        var json = EmbeddedJson(TimelinePage.Render(SyntheticTimeline.Create()));

        Assert.Contains("\"runId\":", json);
        Assert.Contains("\"timeUs\":", json);
        Assert.DoesNotContain("null", json);
    }

    [Fact]
    public void Render_escapes_a_script_end_inside_the_data()
    {
        const string hostile = "</script><script>document.body.dataset.errors='injected'</script><!--";
        var data = SyntheticTimeline.Create() with { RunId = hostile };

        var page = TimelinePage.Render(data);

        Assert.DoesNotContain("</script><script>document", page);
        Assert.DoesNotContain("<!--", page);
        Assert.Equal(3, Regex.Matches(page, "</script>").Count); // the data block, the error hook, the drawing script
        Assert.Equal(hostile, JsonSerializer.Deserialize<TimelineData>(EmbeddedJson(page), TimelineEvent.Json)!.RunId);
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        var page = TimelinePage.Render(SyntheticTimeline.Create());

        Assert.DoesNotContain(TimelinePage.Placeholder, page);
        Assert.DoesNotMatch(@"<(link|img|iframe)\b", page);
        Assert.DoesNotMatch(@"<script\b[^>]*\bsrc=", page);
        Assert.DoesNotContain("@import", page);
        // The only URL is the SVG namespace, which is a name, not a fetch.
        Assert.All(Regex.Matches(page, @"https?://[^""'\s)]+").Select(m => m.Value), url => Assert.Equal("http://www.w3.org/2000/svg", url));
    }

    [Fact]
    public void The_page_draws_lanes_from_one_template_and_reports_what_it_drew()
    {
        var page = TimelinePage.Render(SyntheticTimeline.Create());

        // One lane element per task comes from one template in the script, not from markup per task:
        // the page stays small and the DOM holds one loop at a time.
        Assert.Single(Regex.Matches(page, "<g class=\"lane\" data-task=\""));
        Assert.Contains("document.body.dataset.rendered = String(", page);
        Assert.Contains("window.onerror", page);
        Assert.Contains("document.body.dataset.errors", page);
        Assert.Contains("<select id=\"loop\">", page);
        foreach (var id in new[] { "zoom-in", "zoom-out", "zoom-reset", "summary", "axis", "labels", "plot" })
            Assert.Contains($"id=\"{id}\"", page);
    }

    [Fact]
    public void Write_writes_the_rendered_page_creating_the_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "timeline-page-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = SyntheticTimeline.Create();
            var path = Path.Combine(folder, "run", "timeline.html");

            TimelinePage.Write(data, path);

            Assert.Equal(TimelinePage.Render(data), File.ReadAllText(path));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
