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
    public async Task A_thousand_tasks_by_twenty_loops_page_opens_draws_every_lane_and_finds_a_task_by_name_across_loops()
    {
        var page = Path.Combine(_folder, "timeline.html");
        TimelinePage.Write(SyntheticTimeline.Create(nodes: 10, tasksPerNode: 100, loops: 20), page);
        // Within the size the README states for such a page.
        Assert.InRange(new FileInfo(page).Length, 1, 20L * 1024 * 1024);
        var far = SyntheticTimeline.TaskId(10, 90);

        var shown = await PageDriver.Drive(page, "", _folder,
            PageDriver.Do("find", $"c => c.find('{far}')"),
            PageDriver.Do("next loop not verified", "c => c.click('next-bad')"),
            PageDriver.Do("find an unknown task", "c => c.find('task-none')"));

        var (opened, find, next, unknown) = (shown[0], shown[1], shown[2], shown[3]);
        Assert.Equal("1000", opened.Rendered);
        Assert.Equal(1000, opened.Lanes.Distinct().Count());
        Assert.Null(opened.FoundMark);
        Assert.Equal(0, opened.ScrollTop);
        // Its lane is marked, stays marked once the page settled (its scroll clears the pointer's highlight, not this),
        // and is scrolled into the chart's view from the top of 1,000 lanes.
        Assert.Equal((far, far), (find.Found, find.FoundMark));
        Assert.True(find.FoundLabel, "the found task's label is not marked");
        Assert.True(find.FoundInView, $"the lane of {far} is not in view (scrolled to {find.ScrollTop} px)");
        Assert.True(find.ScrollTop > 0);
        // On another loop it is still the one marked.
        Assert.Equal(("2", "1000"), (next.Loop, next.Rendered));
        Assert.Equal(far, next.FoundMark);
        // A name that is no task: said so, and nothing stays marked.
        Assert.Equal("true", unknown.FindInvalid);
        Assert.Null(unknown.Found);
        Assert.Null(unknown.FoundMark);
    }

    [Fact]
    public async Task Lanes_follow_the_order_chosen_by_node_by_lock_order_and_by_release_instant()
    {
        var page = Path.Combine(_folder, "timeline.html");
        TimelinePage.Write(OrderedTimeline.Create(), page);

        var shown = await PageDriver.Drive(page, "", _folder,
            PageDriver.Do("by lock order", "c => c.select('order', 'lock')"),
            PageDriver.Do("by release instant", "c => c.select('order', 'release')"),
            PageDriver.Do("by node", "c => c.select('order', 'node')"));

        Assert.Equal(["node", "lock", "release", "node"], shown.Select(s => s.Order));
        Assert.Equal(OrderedTimeline.ByNode, shown[0].Lanes);
        Assert.Equal(OrderedTimeline.ByLock, shown[1].Lanes);
        Assert.Equal(OrderedTimeline.ByRelease, shown[2].Lanes);
        Assert.Equal(OrderedTimeline.ByNode, shown[3].Lanes);
    }

    [Fact]
    public async Task The_not_verified_buttons_jump_over_the_verified_loops_to_the_next_and_the_previous_that_were_not()
    {
        var page = Path.Combine(_folder, "timeline.html");
        var data = SyntheticTimeline.Create(nodes: 2, tasksPerNode: 5, loops: 20);
        // Loops 1 (violated) and 2 (inconclusive) as made; 7 and 15 also violated; the rest verified.
        data = data with { Loops = data.Loops.Select(l => l.Loop is 7 or 15 ? l with { Verdict = "violated" } : l).ToList() };
        TimelinePage.Write(data, page);

        var shown = await PageDriver.Drive(page, "#loop=3", _folder,
            PageDriver.Do("next", "c => c.click('next-bad')"),
            PageDriver.Do("next", "c => c.click('next-bad')"),
            PageDriver.Do("next, none left", "c => c.click('next-bad')"),
            PageDriver.Do("previous", "c => c.click('prev-bad')"),
            PageDriver.Do("previous", "c => c.click('prev-bad')"),
            PageDriver.Do("previous", "c => c.click('prev-bad')"),
            PageDriver.Do("previous, none left", "c => c.click('prev-bad')"));

        Assert.Equal(("3", "verified"), (shown[0].Loop, shown[0].Verdict));
        Assert.Equal(["7", "15", "15", "7", "2", "1", "1"], shown.Skip(1).Select(s => s.Loop));
        Assert.Equal(["violated", "violated", "violated", "violated", "inconclusive", "violated", "violated"], shown.Skip(1).Select(s => s.Verdict));
        Assert.All(shown, s => Assert.Equal(10, s.Lanes.Count));
    }

    [Fact]
    public async Task The_messages_box_hides_the_arrows_and_only_them_and_shows_them_again()
    {
        var page = Path.Combine(_folder, "timeline.html");
        TimelinePage.Write(LostUpdateTimeline.Create(), page);

        var shown = await PageDriver.Drive(page, "", _folder,
            PageDriver.Do("messages off", "c => c.tick('show-messages', false)"),
            PageDriver.Do("zoomed in", "c => c.click('zoom-in')"),
            PageDriver.Do("messages on", "c => c.tick('show-messages', true)"));

        var (opened, off, zoomed, on) = (shown[0], shown[1], shown[2], shown[3]);
        Assert.True(opened.Arrows > 8, $"{opened.Arrows} arrows");
        Assert.Equal(("shown", true, opened.Arrows), (opened.Messages, opened.ArrowsDisplayed, opened.ArrowsDrawn));
        foreach (var hidden in new[] { off, zoomed })
        {
            Assert.Equal(("hidden", false, 0), (hidden.Messages, hidden.ArrowsDisplayed, hidden.ArrowsDrawn));
            // The race stays drawn: the collision link and the lost update's arrow are not messages.
            Assert.Equal((1, 1), (hidden.CollisionLinksDrawn, hidden.OverwritesDrawn));
        }
        Assert.Equal(("shown", true, opened.Arrows), (on.Messages, on.ArrowsDisplayed, on.ArrowsDrawn));
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
