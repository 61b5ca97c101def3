using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Hosting;

namespace ActorRunner.Messages.Security;

/// <summary>
/// TLS with mutual authentication between the orchestrator and its nodes: each side presents its certificate
/// (PEM certificate and key), and accepts a peer only when the peer's certificate chains to the run's CA.
/// </summary>
public static class RunnerTls
{
    /// <summary>Loads the files and builds Akka.Remote's TLS options; throws <see cref="ArgumentException"/> naming a bad file.</summary>
    public static SslOptions Options(string certificatePem, string keyPem, string caPem)
    {
        var certificate = Load("certificate", () =>
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePem, keyPem);
            // A key created from PEM is ephemeral; TLS on Linux wants it in a PKCS#12 container.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }, certificatePem);
        var authority = Load("CA", () => X509CertificateLoader.LoadCertificateFromFile(caPem), caPem);
        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = (peer, _, _, _, _) => ChainsTo(peer, authority),
        };
    }

    /// <summary>True when <paramref name="peer"/> chains to <paramref name="authority"/>, and to nothing else.</summary>
    public static bool ChainsTo(X509Certificate2? peer, X509Certificate2 authority)
    {
        if (peer is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    private static T Load<T>(string what, Func<T> load, string path)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot load the TLS {what} {path}: {e.Message}");
        }
    }
}
