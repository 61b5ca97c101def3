using ActorRunner.Tests.Shared;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

/// <summary>
/// The page in a real browser: Debian's Chromium, headless, dumps the DOM after the page's script ran. A missing
/// Chromium fails these tests (CI installs it in .ci/run); it never lets them pass unseen.
/// </summary>
public sealed class TimelinePageBrowserSpecs : IDisposable
{

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "timeline-browser-" + Guid.NewGuid().ToString("N"));

    public TimelinePageBrowserSpecs() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's profile can still be settling after exit; a temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task Chromium_draws_one_lane_per_task_of_the_first_loop_that_was_not_verified()
    {
        var dom = await RenderInChromium(SyntheticTimeline.Create(nodes: 2, tasksPerNode: 5, loops: 2), "");

        var body = Body(dom);
        Assert.Equal("10", body.GetValueOrDefault("data-rendered"));
        Assert.True(string.IsNullOrEmpty(body.GetValueOrDefault("data-errors")), "script errors: " + body.GetValueOrDefault("data-errors"));
        var lanes = Lanes(dom);
        Assert.Equal(10, lanes.Count);
        Assert.Equal(10, lanes.Keys.Distinct().Count());
        Assert.Equal(SyntheticTimeline.Create().Nodes.SelectMany(n => n.Tasks), lanes.Keys);

        // Loop 1 is the violated one: its two colliding tasks are outlined, no other lane is, and the summary names them.
        Assert.Equal([SyntheticTimeline.CollidingA, SyntheticTimeline.CollidingB],
            lanes.Where(l => l.Value.Contains("class=\"collide-box\"")).Select(l => l.Key));
        Assert.All(lanes.Values, lane => Assert.Contains("class=\"p-hold\"", lane));
        Assert.Matches($"1 collision.*{SyntheticTimeline.CollidingA}, {SyntheticTimeline.CollidingB}", Summary(dom));
        Assert.Contains("counter = 9, expected 10", Summary(dom));
    }

    [Fact]
    public async Task A_thousand_tasks_by_twenty_loops_page_opens_and_draws_every_lane_of_the_loop_it_shows()
    {
        var data = SyntheticTimeline.Create(nodes: 10, tasksPerNode: 100, loops: 20);

        var dom = await RenderInChromium(data, "");

        var body = Body(dom);
        Assert.True(string.IsNullOrEmpty(body.GetValueOrDefault("data-errors")), "script errors: " + body.GetValueOrDefault("data-errors"));
        Assert.Equal("1000", body.GetValueOrDefault("data-rendered"));
        Assert.Equal(1000, Lanes(dom).Count);
        // Within the size the README states for such a page.
        Assert.InRange(new FileInfo(Path.Combine(_folder, "timeline.html")).Length, 1, 20L * 1024 * 1024);
    }

    [Fact]
    public async Task Chromium_draws_the_loop_the_address_names_with_its_failed_task_marked()
    {
        var dom = await RenderInChromium(SyntheticTimeline.Create(nodes: 2, tasksPerNode: 5, loops: 2), "#loop=2");

        var body = Body(dom);
        Assert.Equal("10", body.GetValueOrDefault("data-rendered"));
        Assert.True(string.IsNullOrEmpty(body.GetValueOrDefault("data-errors")), "script errors: " + body.GetValueOrDefault("data-errors"));
        var lanes = Lanes(dom);
        Assert.Equal(10, lanes.Keys.Distinct().Count());
        Assert.Equal([SyntheticTimeline.FailingTask], lanes.Where(l => l.Value.Contains("class=\"fail\"")).Select(l => l.Key));
        Assert.DoesNotContain("collide-box", string.Concat(lanes.Values));
        Assert.Contains("inconclusive", Summary(dom));
    }

    [Fact]
    public async Task Chromium_draws_who_read_what_and_whose_write_was_lost_and_the_messages_as_arrows()
    {
        var dom = await RenderInChromium(LostUpdateTimeline.Create(), "");

        var body = Body(dom);
        Assert.True(string.IsNullOrEmpty(body.GetValueOrDefault("data-errors")), "script errors: " + body.GetValueOrDefault("data-errors"));
        var markup = Scripts.Replace(dom, "");
        var lanes = Lanes(dom);
        Assert.Equal(8, lanes.Count);
        // Every lane has its read and its write marked, with the values written out (no hovering needed).
        foreach (var (task, lane) in lanes)
        {
            Assert.Contains("class=\"mark-read\"", lane);
            Assert.Contains("class=\"mark-written\"", lane);
        }
        Assert.Contains(">r0</text>", lanes[LostUpdateTimeline.Lost]);
        Assert.Contains(">w1</text>", lanes[LostUpdateTimeline.Lost]);
        Assert.Contains(">r0</text>", lanes[LostUpdateTimeline.By]);
        Assert.Contains(">w1</text>", lanes[LostUpdateTimeline.By]);
        // The two readers of 0 are linked, and the lost update is drawn: task-8's write replaced task-3's.
        Assert.Matches("class=\"collision-link\" data-tasks=\"task-3 task-8\"", markup);
        var overwrite = Assert.Single(Regex.Matches(markup, "<path class=\"overwrite\"[^>]*>").Select(m => Attributes(m.Value)));
        Assert.Equal((LostUpdateTimeline.Lost, LostUpdateTimeline.By), (overwrite["data-lost"], overwrite["data-by"]));
        Assert.Contains("task-8 overwrote task-3's 1", WebUtility.HtmlDecode(markup));
        // The messages are arrows: a Release to each node, a report from each task.
        var arrows = Regex.Matches(markup, "<line class=\"arrow [^>]*>").Select(m => Attributes(m.Value)).ToList();
        Assert.Equal(["node-1", "node-2"], arrows.Where(a => a["data-message"] == "Release").Select(a => a["data-to"]).Order());
        Assert.Equal(8, arrows.Count(a => a["data-message"] == "TaskReport"));
        Assert.Contains("ms ahead of the agreed instant", WebUtility.HtmlDecode(markup));
    }

    private async Task<string> RenderInChromium(TimelineData data, string fragment)
    {
        var page = Path.Combine(_folder, "timeline.html");
        TimelinePage.Write(data, page);
        return await Chromium.DumpDom(page, fragment, _folder);
    }

    private static readonly Regex Scripts = new("<script\\b.*?</script>", RegexOptions.Singleline);
    private static readonly Regex Attribute = new("([\\w-]+)=\"([^\"]*)\"");

    private static Dictionary<string, string> Attributes(string tag) =>
        Attribute.Matches(tag).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private static Dictionary<string, string> Body(string dom) =>
        Attributes(Regex.Match(dom, "<body\\b[^>]*>").Value);

    /// <summary>Each element with class lane, by its data-task, with its content. Scripts are left out: their text names lanes too.</summary>
    private static Dictionary<string, string> Lanes(string dom)
    {
        var markup = Scripts.Replace(dom, "");
        var lanes = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(markup, "<g\\b([^>]*)>(.*?)</g>", RegexOptions.Singleline))
        {
            var attributes = Attributes(m.Groups[1].Value);
            if (!attributes.TryGetValue("class", out var cls) || !cls.Split(' ').Contains("lane")) continue;
            Assert.True(attributes.TryGetValue("data-task", out var task), "a lane without data-task: " + m.Value);
            Assert.True(lanes.TryAdd(task!, m.Groups[2].Value), "two lanes for " + task);
        }
        return lanes;
    }

    private static string Summary(string dom) =>
        WebUtility.HtmlDecode(Regex.Replace(Regex.Match(dom, "<div id=\"summary\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value, "<[^>]+>", ""));
}
