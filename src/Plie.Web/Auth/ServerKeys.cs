using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Plie.Web.Auth;

/// <summary>
/// The embedded server's RSA keys, one to sign tokens and one to encrypt codes and refresh tokens, kept as PKCS#8 PEM
/// files (mode 600) in the keys folder and created on first start: no certificate to install, and tokens survive a
/// restart. Deleting the files makes every token and code invalid.
/// </summary>
public static class ServerKeys
{
    public const string SigningKeyFile = "signing-key.pem";
    public const string EncryptionKeyFile = "encryption-key.pem";

    public static (RsaSecurityKey Signing, RsaSecurityKey Encryption) LoadOrCreate(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (LoadOrCreateRsa(Path.Combine(directory, SigningKeyFile)), LoadOrCreateRsa(Path.Combine(directory, EncryptionKeyFile)));
    }

    private static RsaSecurityKey LoadOrCreateRsa(string path)
    {
        if (!File.Exists(path))
        {
            using var created = RSA.Create(2048);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(temporary, options))
                writer.Write(created.ExportPkcs8PrivateKeyPem());
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
                File.Delete(temporary);
            }
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
    }

    /// <summary>A stable key id: the start of the SHA-256 of the public modulus, base64url.</summary>
    private static string KeyId(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportParameters(includePrivateParameters: false).Modulus!))[..16];
}
