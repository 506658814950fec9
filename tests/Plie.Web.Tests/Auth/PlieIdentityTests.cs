using System.Security.Claims;
using Plie.Infrastructure.Identity;
using Plie.Web.Auth;

namespace Plie.Web.Tests.Auth;

/// <summary>How the claims of an external authority's tokens become Plie's principal.</summary>
public sealed class PlieIdentityTests
{
    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "jwt"));

    private static AuthSettings External(Action<AuthSettings>? configure = null)
    {
        var settings = new AuthSettings { Authority = "https://idp.example.org/" };
        configure?.Invoke(settings);
        return settings;
    }

    [Fact]
    public void Roles_become_role_claims_so_that_IsInRole_works()
    {
        var principal = PlieIdentity.Normalize(Token(("sub", "c.martin"), ("name", "Camille Martin"), ("role", "conseiller"),
            ("role", "superviseur"), ("antenne", "Dunkerque-Centre")), External());
        Assert.True(principal.IsInRole("conseiller"));
        Assert.True(principal.IsInRole("superviseur"));
        Assert.Equal("Camille Martin", principal.Identity!.Name);
        Assert.Equal("c.martin", principal.FindFirstValue("sub"));
        Assert.Equal("Dunkerque-Centre", principal.FindFirstValue("antenne"));
        Assert.Equal(PlieIdentity.AuthenticationType, principal.Identity.AuthenticationType);
    }

    [Fact]
    public void Keycloak_realm_roles_are_read_from_a_path_into_a_JSON_claim()
    {
        var token = Token(("sub", "x"), ("realm_access", """{"roles":["offline_access","statistiques","default-roles-plie"]}"""));
        var principal = PlieIdentity.Normalize(token, External(s => s.RoleClaim = "realm_access.roles"));
        Assert.Equal(["statistiques"], principal.FindAll(ClaimTypes.Role).Select(c => c.Value));
    }

    [Fact]
    public void Entra_app_roles_are_mapped_and_unknown_values_dropped()
    {
        var settings = External(s =>
        {
            s.RoleClaim = "roles";
            s.RoleMapping["Plie.Admin"] = "administrateur";
            s.UserIdClaim = "preferred_username";
        });
        var principal = PlieIdentity.Normalize(Token(("oid", "1"), ("preferred_username", "claire@plie.fr"), ("roles", "Plie.Admin"),
            ("roles", "superviseur"), ("roles", "Autre.Application")), settings);
        Assert.Equal(["administrateur", "superviseur"], principal.FindAll(ClaimTypes.Role).Select(c => c.Value));
        Assert.Equal("claire@plie.fr", principal.FindFirstValue("sub"));
    }

    [Fact]
    public void A_JSON_array_value_from_the_userinfo_endpoint_is_split()
    {
        var principal = PlieIdentity.Normalize(Token(("sub", "x"), ("role", """["conseiller","statistiques"]""")), External());
        Assert.Equal(["conseiller", "statistiques"], principal.FindAll(ClaimTypes.Role).Select(c => c.Value));
    }

    [Fact]
    public void A_local_account_gives_the_roles_and_antenne_the_token_lacks()
    {
        // ProConnect: identity only (email, given_name, usual_name); the roles are Plie's business.
        var token = Token(("sub", "opaque-id"), ("email", "karim.benali@plie.fr"), ("given_name", "Karim"), ("usual_name", "Benali"));
        var local = new PlieUser
        {
            Id = "karim.benali@plie.fr", DisplayName = "K. Benali", Roles = ["conseiller"], Antenne = "Grande-Synthe",
        };
        var principal = PlieIdentity.Normalize(token, External(s => s.UserIdClaim = "email"), local);
        Assert.Equal("karim.benali@plie.fr", principal.FindFirstValue("sub"));
        Assert.Equal("K. Benali", principal.Identity!.Name);
        Assert.True(principal.IsInRole("conseiller"));
        Assert.Equal("Grande-Synthe", principal.FindFirstValue("antenne"));

        var withoutAccount = PlieIdentity.Normalize(token, External(s => s.UserIdClaim = "email"));
        Assert.Equal("Karim Benali", withoutAccount.Identity!.Name);
        Assert.Empty(withoutAccount.FindAll(ClaimTypes.Role));
    }

    [Fact]
    public void The_token_s_roles_win_over_the_local_account_s()
    {
        var local = new PlieUser { Id = "x", DisplayName = "X", Roles = ["administrateur"] };
        var principal = PlieIdentity.Normalize(Token(("sub", "x"), ("role", "statistiques")), External(), local);
        Assert.Equal(["statistiques"], principal.FindAll(ClaimTypes.Role).Select(c => c.Value));
    }

    [Theory]
    [InlineData("/connect/authorize?client_id=plie-web", true)]
    [InlineData("/", true)]
    [InlineData("//evil.example.org/", false)]
    [InlineData("/\\evil.example.org/", false)]
    [InlineData("https://evil.example.org/", false)]
    [InlineData("", false)]
    public void The_login_page_only_returns_to_local_URLs(string url, bool accepted) =>
        Assert.Equal(accepted, AccountPages.LocalOrNull(url) is not null);
}
