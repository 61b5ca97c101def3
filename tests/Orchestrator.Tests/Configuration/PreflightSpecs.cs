using ActorRunner.Messages;
using ActorRunner.Orchestrator.Configuration;

namespace ActorRunner.Orchestrator.Tests.Configuration;

public sealed class PreflightSpecs : IDisposable
{
    private const string Mounts = """
        /dev/vda / ext4 rw,relatime 0 0
        proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
        server:/export /mnt/shared nfs4 rw,relatime,vers=4.2 0 0
        //nas/share /mnt/nas cifs rw,relatime 0 0
        tmpfs /mnt/shared/local tmpfs rw 0 0
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "preflight-" + Guid.NewGuid().ToString("N")[..8]);

    public PreflightSpecs() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("/work/runs/counter.db", "ext4")]
    [InlineData("/mnt/shared/counter.db", "nfs4")]
    [InlineData("/mnt/shared", "nfs4")]
    [InlineData("/mnt/sharedness/counter.db", "ext4")]
    [InlineData("/mnt/shared/local/counter.db", "tmpfs")]
    [InlineData("/mnt/nas/x/y.lock", "cifs")]
    public void The_file_system_of_a_path_is_that_of_the_longest_mount_point_above_it(string path, string type) =>
        Assert.Equal(type, Preflight.FileSystemOf(path, Mounts));

    [Fact]
    public void A_database_on_a_network_file_system_is_refused_unless_allowed()
    {
        var db = Path.Combine(_folder, "counter.db");
        var mounts = $"/dev/vda / ext4 rw 0 0\nserver:/x {_folder} nfs rw 0 0\n";
        var settings = Defaults() with { Db = db };

        var error = Assert.Throws<SettingsError>(() => Preflight.Check(settings, mounts));
        Assert.Contains("actor-runner.db", error.Message);
        Assert.Contains("nfs", error.Message);
        Assert.Contains("--allow-network-fs", error.Message);

        Preflight.Check(settings with { AllowNetworkFs = true }, mounts);
        Preflight.Check(settings, "/dev/vda / ext4 rw 0 0\n");
    }

    [Fact]
    public void Remote_nodes_with_the_file_lock_get_a_warning_and_the_orchestrator_lock_does_not()
    {
        var remote = Defaults() with { RemoteNodes = 2, Nodes = 0, Db = "/shared/counter.db" };

        Assert.Contains(Preflight.Warnings(remote with { LockMode = LockModes.File }), w => w.Contains("--lock orchestrator"));
        Assert.Empty(Preflight.Warnings(remote with { LockMode = LockModes.Orchestrator }));
        Assert.Empty(Preflight.Warnings(Defaults()));
    }

    [Fact]
    public void Run_folders_going_where_nothing_can_be_written_or_into_a_file_are_refused_naming_the_setting()
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "");

        var intoAFile = Assert.Throws<SettingsError>(() => Preflight.Check(Defaults() with { Out = file }, ""));
        Assert.Equal($"actor-runner.out: {file} is a file, not a folder", intoAFile.Message);
        var underAFile = Assert.Throws<SettingsError>(() => Preflight.Check(Defaults() with { Out = Path.Combine(file, "runs") }, ""));
        Assert.StartsWith("actor-runner.out: ", underAFile.Message);
        // /proc takes no new file, even from root.
        var unwritable = Assert.Throws<SettingsError>(() => Preflight.Check(Defaults() with { Out = "/proc/runs" }, ""));
        Assert.StartsWith("actor-runner.out: cannot write in /proc", unwritable.Message);

        Preflight.Check(Defaults() with { Out = Path.Combine(_folder, "runs") }, "");
        Preflight.Check(Defaults() with { Out = _folder }, "");
    }

    [Fact]
    public void A_refused_key_is_named_with_the_layer_that_set_it()
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "");
        var config = Path.Combine(_folder, "run.conf");
        File.WriteAllText(config, $"actor-runner.report = {System.Text.Json.JsonSerializer.Serialize(Path.Combine(_folder, "none", "report.json"))}");

        var fromOption = Refusal([.. SettingsLoader.FromOptions(new Dictionary<string, (string, object)> { ["out"] = ("--out", file) })]);
        Assert.Equal($"actor-runner.out (from --out): {file} is a file, not a folder", fromOption);
        var fromSet = Refusal([SettingsLoader.FromAssignment($"db={_folder}")]);
        Assert.Equal($"actor-runner.db (from --set db={_folder}): {_folder} is a folder, not a file", fromSet);
        var fromFile = Refusal([SettingsLoader.FromFile(config)]);
        Assert.Equal($"actor-runner.report (from {config}): the folder {Path.Combine(_folder, "none")} does not exist", fromFile);
        // The last layer to set a key is the one named.
        var overridden = Refusal([SettingsLoader.FromAssignment($"lock.file={_folder}"),
            .. SettingsLoader.FromOptions(new Dictionary<string, (string, object)> { ["lock.file"] = ("--lock-file", _folder) })]);
        Assert.StartsWith("actor-runner.lock.file (from --lock-file): ", overridden);
    }

    [Fact]
    public void A_port_in_use_is_named_with_the_layer_that_set_it()
    {
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            var refusal = Refusal([.. SettingsLoader.FromOptions(new Dictionary<string, (string, object)> { ["remote.port"] = ("--port", port) })]);
            Assert.StartsWith($"actor-runner.remote.port (from --port): cannot bind 127.0.0.1:{port}: ", refusal);
        }
        finally
        {
            taken.Stop();
        }
    }

    /// <summary>What the checks say of the settings these layers make, naming the layers.</summary>
    private string Refusal(List<SettingsLoader.Layer> layers)
    {
        var settings = SettingsLoader.Load(layers).Settings;
        var unnamed = Assert.Throws<SettingsError>(() => Preflight.Check(settings, ""));
        var named = Assert.Throws<SettingsError>(() => Preflight.Check(settings, [.. layers], ""));
        // The same refusal, the layer's name added.
        Assert.EndsWith(unnamed.Message[(unnamed.Message.IndexOf(':') + 1)..], named.Message);
        return named.Message;
    }

    private static RunSettings Defaults() => SettingsLoader.Load([]).Settings;
}
