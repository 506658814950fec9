using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plie.Web.Tests.Ui;

/// <summary>A user of the tests, with the claims the sign-in gives (sub, name, roles, antenne).</summary>
public sealed record TestPrincipal(string Id, string? Antenne, params string[] Roles)
{
    public static readonly TestPrincipal ConseillerDunkerque = new("conseiller.dk", "Dunkerque-Centre", "conseiller");
    public static readonly TestPrincipal ConseillerGrandeSynthe = new("conseiller.gs", "Grande-Synthe", "conseiller");
    public static readonly TestPrincipal Responsable = new("responsable", null, "responsable-accompagnement");
    public static readonly TestPrincipal Statistiques = new("stats", null, "statistiques");
    public static readonly TestPrincipal Administrateur = new("admin", null, "administrateur");

    /// <summary>The request header <see cref="Tests.TestAuthHandler"/> reads: id|role,role|antenne.</summary>
    public string Header => $"{Id}|{string.Join(',', Roles)}|{Antenne}";

    public ClaimsPrincipal ToClaims()
    {
        var claims = new List<Claim> { new("sub", Id), new("name", Id) };
        if (Antenne is not null) claims.Add(new Claim("antenne", Antenne));
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Tests.TestAuthHandler.SchemeName, "name", ClaimTypes.Role));
    }
}
