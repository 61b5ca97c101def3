using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>TLS with mutual authentication, with a throwaway CA made by the test.</summary>
public sealed class TlsSpecs : IDisposable
{
    private const string Token = "tls-secret";
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Nodes_with_certificates_from_the_runs_CA_join_over_TLS_and_the_run_verifies()
    {
        var ca = Authority("ActorRunner test CA");
        var orchestrator = Issue(ca, "orchestrator");
        var node = Issue(ca, "host-b");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        using var process = _workspace.Start(["--nodes", "1", "--remote-nodes", "1", "--tasks", "6", "--token", Token,
            "--tls-cert", orchestrator.Cert, "--tls-key", orchestrator.Key, "--tls-ca", ca.Pem, "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        using var remote = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.3", "--node-id", "host-b",
            "--tls-cert", node.Cert, "--tls-key", node.Key, "--tls-ca", ca.Pem], logs);
        var result = await _workspace.Finish(process, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + logs);
        Assert.Equal(2, result.Root.GetProperty("nodes").GetArrayLength());
        Assert.Equal("(set)", result.Root.GetProperty("settings").GetProperty("token").GetString());
    }

    [Fact]
    public async Task A_node_whose_certificate_another_CA_signed_cannot_join()
    {
        var ca = Authority("ActorRunner test CA");
        var orchestrator = Issue(ca, "orchestrator");
        var rogueCa = Authority("Someone else's CA");
        var rogue = Issue(rogueCa, "rogue");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        using var process = _workspace.Start(["--nodes", "0", "--remote-nodes", "1", "--tasks", "2", "--token", Token,
            "--tls-cert", orchestrator.Cert, "--tls-key", orchestrator.Key, "--tls-ca", ca.Pem, "--set", "join-timeout=10s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        // The rogue node even trusts our CA and knows the token: only its own certificate is wrong.
        using var node = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.2", "--node-id", "rogue",
            "--tls-cert", rogue.Cert, "--tls-key", rogue.Key, "--tls-ca", ca.Pem, "--join-timeout", "8s"], logs);
        var result = await _workspace.Finish(process, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 3, result + "\nnode:\n" + logs);
        var reason = result.Root.GetProperty("abortReason").GetString() ?? "";
        Assert.True(reason.Contains("1 of 1 remote nodes"), $"abort reason: {reason}\n{result}\nnode:\n{logs}");
        Assert.True(node.WaitForExit(40_000), "the rogue node did not give up:\n" + logs);
        node.WaitForExit();
        Assert.True(node.ExitCode != 0, $"the rogue node exited {node.ExitCode}:\n{logs}");
    }

    [Fact]
    public async Task Half_a_TLS_setting_is_refused_as_bad_usage()
    {
        var ca = Authority("ActorRunner test CA");
        var result = await _workspace.Run(TimeSpan.FromSeconds(30), "--tls-ca", ca.Pem);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("tls", result.Stderr);
    }

    private sealed record Ca(X509Certificate2 Certificate, RSA Key, string Pem);
    private sealed record Issued(string Cert, string Key);

    private Ca Authority(string name)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pem = Path.Combine(_workspace.Folder, Guid.NewGuid().ToString("N")[..6] + "-ca.pem");
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return new Ca(certificate, key, pem);
    }

    private Issued Issue(Ca ca, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        foreach (var ip in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" }) names.AddIpAddress(IPAddress.Parse(ip));
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(8);
        using var certificate = request.Create(ca.Certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        var stem = Path.Combine(_workspace.Folder, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(stem + ".crt", certificate.ExportCertificatePem());
        File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem());
        return new Issued(stem + ".crt", stem + ".key");
    }
}
