using System.Diagnostics;

namespace ActorRunner.Tests.Shared;

/// <summary>Debian's Chromium, headless, loading a page and dumping its DOM after its scripts ran.</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The DOM of <paramref name="page"/> (a file) after its scripts ran; fails the test if Chromium is missing or hangs.</summary>
    public static async Task<string> DumpDom(string page, string fragment, string scratchFolder)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: this test needs Debian's Chromium (apt-get install -y chromium; .ci/run installs it)");
        var profile = System.IO.Path.Combine(scratchFolder, "chromium-profile-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                     new Uri(page).AbsoluteUri + fragment,
                 })
            start.ArgumentList.Add(arg);

        using var chromium = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start");
        var stdout = chromium.StandardOutput.ReadToEndAsync();
        var stderr = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await chromium.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            await chromium.WaitForExitAsync();
            Assert.Fail($"Chromium did not finish within {Limit.TotalSeconds:0} s and was killed");
        }
        var dom = await stdout;
        var errors = await stderr;
        Assert.True(chromium.ExitCode == 0 && dom.Contains("</body>"),
            $"Chromium exited {chromium.ExitCode} with {dom.Length} characters of DOM; stderr ends: {errors[Math.Max(0, errors.Length - 2000)..]}");
        return dom;
    }
}
