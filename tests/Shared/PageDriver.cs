using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorRunner.Tests.Shared;

/// <summary>
/// Works the timeline page's controls in headless Chromium, as a person would: a copy of the page with a script
/// added at its end that takes steps one after the other (choose in a list, click a button, type a task's name and
/// press Enter, tick a box), lets the page settle after each (its scroll and redraw), and writes down what the page
/// then shows. The steps' record comes back in the dumped DOM.
/// </summary>
public static class PageDriver
{
    /// <summary>One step: a name for the record and a JavaScript function of the controls, e.g. <c>c =&gt; c.click('next-bad')</c>.</summary>
    public sealed record Step(string Name, string Action);

    /// <summary>What the page showed after a step.</summary>
    public sealed record Shown(
        string Name,
        string? Rendered,
        string? Loop,
        string? Verdict,
        string? Order,
        string? Found,
        string? FoundMark,
        bool FoundInView,
        bool FoundLabel,
        double ScrollTop,
        IReadOnlyList<string> Lanes,
        int Arrows,
        bool ArrowsDisplayed,
        int ArrowsDrawn,
        int OverwritesDrawn,
        int CollisionLinksDrawn,
        string? Messages,
        string? FindInvalid);

    public static Step Do(string name, string action) => new(name, action);

    /// <summary>Opens <paramref name="page"/> at <paramref name="fragment"/>, takes the steps, and returns what the page showed after each (the first: before any).</summary>
    public static async Task<IReadOnlyList<Shown>> Drive(string page, string fragment, string scratchFolder, params Step[] steps)
    {
        var html = await File.ReadAllTextAsync(page);
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        Assert.True(end >= 0, $"{page} has no </body>");
        var actions = string.Join(",\n", new[] { new Step("opened", "c => {}") }.Concat(steps)
            .Select(s => $"[{JsonSerializer.Serialize(s.Name)}, {s.Action}]"));
        var driven = Path.Combine(scratchFolder, "driven-" + Guid.NewGuid().ToString("N")[..6] + ".html");
        await File.WriteAllTextAsync(driven, html[..end] + "<script>\n" + Script.Replace("/*STEPS*/", actions) + "\n</script>\n" + html[end..]);

        var dom = await Chromium.DumpDom(driven, fragment, scratchFolder);
        var body = Regex.Match(dom, "<body\\b[^>]*>").Value;
        string? Attribute(string name)
        {
            var m = Regex.Match(body, $"\\s{name}=\"([^\"]*)\"");
            return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
        }
        Assert.True(string.IsNullOrEmpty(Attribute("data-errors")), "script errors: " + Attribute("data-errors"));
        Assert.True(Attribute("data-driver-error") is null, "a step failed: " + Attribute("data-driver-error"));
        var record = Attribute("data-steps");
        Assert.True(record is not null, "the steps did not all run within Chromium's time budget");
        var shown = JsonSerializer.Deserialize<List<Shown>>(record!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(steps.Length + 1, shown.Count);
        return shown;
    }

    // Each step runs, then the page gets 150 ms (of Chromium's virtual time) for its scroll events and redraws.
    private const string Script = """
        (function () {
          'use strict';
          var steps = [/*STEPS*/], record = [];
          function $(id) { return document.getElementById(id); }
          var controls = {
            select: function (id, value) { var s = $(id); s.value = String(value); s.dispatchEvent(new Event('change', { bubbles: true })); },
            click: function (id) { $(id).click(); },
            find: function (name) {
              var f = $('find'); f.value = name;
              f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
            },
            tick: function (id, on) { if ($(id).checked !== on) $(id).click(); }
          };
          function drawn(list) { return list.filter(function (e) { var r = e.getBoundingClientRect(); return r.width > 0 || r.height > 0; }).length; }
          function shown(name) {
            var body = document.body.dataset, chart = $('chart'), mark = $('found'), arrows = document.querySelector('#plot .arrows');
            var lanes = Array.prototype.slice.call(document.querySelectorAll('#plot g.lane')).map(function (g) {
              return { task: g.getAttribute('data-task'), y: Number((/translate\(0,\s*([-\d.]+)\)/.exec(g.getAttribute('transform')) || [])[1]) };
            }).sort(function (a, b) { return a.y - b.y; }).map(function (l) { return l.task; });
            var inView = false;
            if (mark) {
              var m = mark.getBoundingClientRect(), c = chart.getBoundingClientRect(), axis = $('axis').getBoundingClientRect();
              inView = m.height > 0 && m.top >= axis.bottom - 0.5 && m.bottom <= c.bottom + 0.5;
            }
            var label = Array.prototype.slice.call(document.querySelectorAll('#labels text.task-label.found')).map(function (t) { return t.textContent; });
            return {
              name: name, rendered: body.rendered || null, loop: body.loop || null, verdict: body.verdict || null, order: body.order || null, found: body.found || null,
              foundMark: mark ? mark.getAttribute('data-task') : null, foundInView: inView,
              foundLabel: label.length === 1 && label[0] === (body.found || ''), scrollTop: chart.scrollTop, lanes: lanes,
              arrows: document.querySelectorAll('#plot line.arrow').length,
              arrowsDisplayed: !!arrows && getComputedStyle(arrows).display !== 'none',
              arrowsDrawn: drawn(Array.prototype.slice.call(document.querySelectorAll('#plot line.arrow'))),
              overwritesDrawn: drawn(Array.prototype.slice.call(document.querySelectorAll('#plot path.overwrite'))),
              collisionLinksDrawn: drawn(Array.prototype.slice.call(document.querySelectorAll('#plot path.collision-link'))),
              messages: body.messages || null, findInvalid: $('find').getAttribute('aria-invalid')
            };
          }
          function take(i) {
            if (i >= steps.length) { document.body.setAttribute('data-steps', JSON.stringify(record)); return; }
            try { steps[i][1](controls); } catch (e) { document.body.setAttribute('data-driver-error', steps[i][0] + ': ' + e); return; }
            setTimeout(function () { record.push(shown(steps[i][0])); take(i + 1); }, 150);
          }
          setTimeout(function () { take(0); }, 0);
        })();
        """;
}
