using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Plie.Infrastructure.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Plie.Web.Auth;

/// <summary>
/// Sign-in for Plie: the app is an OpenID Connect client (code flow + PKCE) of its embedded OpenIddict server, or of
/// the external authority set in <c>Plie:Auth:Authority</c>. Pages use a session cookie; the API (<c>/api</c>) also
/// accepts bearer tokens of the same authority and answers 401/403 instead of redirecting. See docs/authentication.md.
/// </summary>
public static class AuthenticationSetup
{
    internal const string JwtBearerScheme = "Plie.Jwt";

    /// <summary>Registers the authentication schemes, the policies, the sign-in store and (by default) the embedded server.</summary>
    public static WebApplicationBuilder AddPlieAuthentication(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(AuthSettings.Section).Get<AuthSettings>() ?? new AuthSettings();
        var services = builder.Services;
        // OpenIddict logs every request it handles at Information.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);
        services.AddSingleton(settings);
        services.AddSingleton<PlieUrls>();
        services.AddPlieAuthStore();
        services.AddScoped<PlieSignInResolver>();
        services.AddHttpContextAccessor();
        services.AddAntiforgery(o => o.Cookie.Name = ".Plie.Antiforgery");
        services.AddAuthorizationBuilder().AddPliePolicies();
        services.PostConfigure<ProblemDetailsOptions>(o =>
        {
            var previous = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                DescribeAuthenticationProblem(context);
                previous?.Invoke(context);
            };
        });

        var authentication = services.AddAuthentication(o =>
        {
            o.DefaultScheme = PlieAuthSchemes.Default;
            o.DefaultChallengeScheme = PlieAuthSchemes.Challenge;
            o.DefaultForbidScheme = PlieAuthSchemes.Challenge;
            o.DefaultSignInScheme = PlieAuthSchemes.Session;
            o.DefaultSignOutScheme = PlieAuthSchemes.Session;
        });
        authentication.AddPolicyScheme(PlieAuthSchemes.Default, "Plie", o =>
            o.ForwardDefaultSelector = http => HasBearerToken(http.Request) ? PlieAuthSchemes.Bearer : PlieAuthSchemes.Session);
        // Forbid on a page: the OpenID Connect handler forwards it to the session cookie (access-denied page).
        authentication.AddPolicyScheme(PlieAuthSchemes.Challenge, "Plie", o =>
            o.ForwardDefaultSelector = http => IsApiRequest(http.Request) ? PlieAuthSchemes.Bearer : PlieAuthSchemes.OpenIdConnect);
        authentication.AddCookie(PlieAuthSchemes.Session, o =>
        {
            o.Cookie.Name = ".Plie.Session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = settings.SessionLifetime;
            o.SlidingExpiration = true;
            o.AccessDeniedPath = "/compte/acces-refuse";
            o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
        });
        authentication.AddOpenIdConnect(PlieAuthSchemes.OpenIdConnect, "Plie", o => ConfigureOpenIdConnect(o, settings));
        services.AddOptions<OpenIdConnectOptions>(PlieAuthSchemes.OpenIdConnect).Configure<PlieUrls>((o, urls) =>
        {
            // The embedded server's address is known once the server listens (a random port in tests): options are
            // built on the first request, after that.
            if (settings.IsEmbedded) o.Authority = urls.PublicUrl.AbsoluteUri;
        });

        var innerBearer = settings.IsEmbedded ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme : JwtBearerScheme;
        authentication.AddScheme<PlieBearerOptions, PlieBearerHandler>(PlieAuthSchemes.Bearer, "Jeton d'accès", o =>
        {
            o.InnerScheme = innerBearer;
        });

        if (settings.IsEmbedded)
        {
            AddEmbeddedServer(builder, authentication, settings);
        }
        else
        {
            authentication.AddJwtBearer(JwtBearerScheme, o =>
            {
                o.Authority = settings.Authority;
                o.Audience = string.IsNullOrWhiteSpace(settings.Audience) ? settings.ClientId : settings.Audience;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = PlieClaimTypes.Name;
                o.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            });
        }
        return builder;
    }

    /// <summary>Authentication and authorization middleware, then the sign-in pages and the OpenID Connect endpoints.</summary>
    public static WebApplication UsePlieAuthentication(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AuthSettings>();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication: anti-forgery tokens are bound to the signed-in user (Blazor forms rely on it).
        app.UseAntiforgery();
        if (settings.IsEmbedded) app.MapConnectEndpoints();
        app.MapAccountPages();
        app.MapAuthApi();
        return app;
    }

    /// <summary>At start-up: migrates the <c>auth</c> schema, seeds the demo accounts, prunes expired tokens.</summary>
    public static async Task InitializePlieAuthenticationAsync(this WebApplication app, CancellationToken ct = default)
    {
        var settings = app.Services.GetRequiredService<AuthSettings>();
        await AuthStore.InitializeAsync(app.Services, settings.IsEmbedded && settings.SeedDemoAccounts, ct);
        if (!settings.IsEmbedded) return;
        await using var scope = app.Services.CreateAsyncScope();
        var threshold = DateTimeOffset.UtcNow.AddDays(-14);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, ct);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, ct);
    }

    internal static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Requests answered with 401/403 rather than a redirect to the sign-in page.</summary>
    internal static bool IsApiRequest(HttpRequest request) =>
        HasBearerToken(request) || request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions o, AuthSettings settings)
    {
        o.SignInScheme = PlieAuthSchemes.Session;
        o.SignOutScheme = PlieAuthSchemes.Session;
        o.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back in the query string of a top-level GET: SameSite=Lax cookies are sent with it, so the
        // correlation cookies need neither SameSite=None nor HTTPS (the embedded server runs on http://localhost).
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.CallbackPath = "/signin-oidc";
        o.SignedOutCallbackPath = "/signout-callback-oidc";
        o.SignedOutRedirectUri = "/compte/deconnecte";
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = PlieClaimTypes.Name;
        o.TokenValidationParameters.RoleClaimType = PlieClaimTypes.Role;
        o.SaveTokens = true;
        o.DisableTelemetry = true;
        o.Scope.Clear();
        if (settings.IsEmbedded)
        {
            o.ClientId = AuthSettings.EmbeddedClientId;
            o.RequireHttpsMetadata = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            foreach (var scope in (string[])[Scopes.OpenId, Scopes.Profile, Scopes.Roles]) o.Scope.Add(scope);
        }
        else
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = string.IsNullOrWhiteSpace(settings.ClientSecret) ? null : settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
            foreach (var scope in (settings.Scopes ?? "openid profile email").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                o.Scope.Add(scope);
            // Keep every userinfo claim (ProConnect's usual_name, uid…); PlieIdentity picks what it needs.
            o.ClaimActions.MapAll();
        }

        o.Events.OnRedirectToIdentityProvider = context =>
        {
            var urls = context.HttpContext.RequestServices.GetRequiredService<PlieUrls>();
            if (urls.ConfiguredPublicUrl is { } publicUrl)
                context.ProtocolMessage.RedirectUri = PlieUrls.Combine(publicUrl, "signin-oidc").AbsoluteUri;
            foreach (var (name, value) in settings.AuthorizationParameters)
                context.ProtocolMessage.SetParameter(name, value);
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            var urls = context.HttpContext.RequestServices.GetRequiredService<PlieUrls>();
            if (urls.ConfiguredPublicUrl is { } publicUrl)
                context.ProtocolMessage.PostLogoutRedirectUri = PlieUrls.Combine(publicUrl, "signout-callback-oidc").AbsoluteUri;
            return Task.CompletedTask;
        };
        o.Events.OnTicketReceived = async context =>
        {
            var resolver = context.HttpContext.RequestServices.GetRequiredService<PlieSignInResolver>();
            var principal = context.Principal is null ? null : await resolver.ResolveAsync(context.Principal, context.HttpContext.RequestAborted);
            if (principal is null)
            {
                context.Fail("Ce compte a été désactivé dans Plie.");
                return;
            }
            context.Principal = principal;
            // Only the ID token is kept in the session cookie, for the sign-out (id_token_hint).
            if (context.Properties is { } properties)
                properties.StoreTokens(properties.GetTokens().Where(t => t.Name == OpenIdConnectParameterNames.IdToken).ToList());
        };
        o.Events.OnRemoteFailure = context =>
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthenticationSetup))
                .LogWarning(context.Failure, "OpenID Connect sign-in failed");
            context.Response.Redirect(context.Request.PathBase + "/compte/echec");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static void AddEmbeddedServer(WebApplicationBuilder builder, AuthenticationBuilder authentication, AuthSettings settings)
    {
        var services = builder.Services;
        authentication.AddCookie(PlieAuthSchemes.ServerLogin, o =>
        {
            o.Cookie.Name = ".Plie.Connexion";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/compte/connexion";
            o.ReturnUrlParameter = "ReturnUrl";
            o.ExpireTimeSpan = settings.SessionLifetime;
            o.SlidingExpiration = true;
        });

        RsaKeys? keys = null;
        if (!settings.EphemeralKeys)
        {
            var directory = settings.ResolveKeysDirectory();
            var (signing, encryption) = ServerKeys.LoadOrCreate(directory);
            keys = new RsaKeys(signing, encryption);
            // The session cookies and anti-forgery tokens survive a restart too.
            services.AddDataProtection()
                .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(directory, "data-protection")))
                .SetApplicationName("Plie");
        }

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AuthDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess);
                o.RegisterClaims(Claims.Subject, Claims.Name, Claims.Role, PlieClaimTypes.Antenne);
                if (keys is null)
                {
                    o.AddEphemeralSigningKey().AddEphemeralEncryptionKey();
                }
                else
                {
                    o.AddSigningKey(keys.Signing).AddEncryptionKey(keys.Encryption);
                }
                // Access tokens are signed JWTs, readable by the API and by other resource servers.
                o.DisableAccessTokenEncryption();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    // Plain HTTP on localhost; behind a TLS-terminating proxy, Plie:PublicUrl gives the https issuer.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(AuthSettings.EmbeddedApiAudience);
                o.UseAspNetCore();
            });
        services.AddOptions<OpenIddictServerOptions>().Configure<PlieUrls>((o, urls) => o.Issuer = urls.PublicUrl);
        services.AddHostedService<ClientRegistration>();
    }

    private static void DescribeAuthenticationProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null) return;
        switch (problem.Status ?? context.HttpContext.Response.StatusCode)
        {
            case StatusCodes.Status401Unauthorized:
                problem.Title = "Authentification requise";
                problem.Detail = "Connectez-vous, ou joignez un jeton d'accès valide (en-tête Authorization: Bearer).";
                break;
            case StatusCodes.Status403Forbidden:
                problem.Title = "Accès refusé";
                problem.Detail = "Votre rôle ne permet pas cette action.";
                break;
        }
    }

    private sealed record RsaKeys(Microsoft.IdentityModel.Tokens.RsaSecurityKey Signing, Microsoft.IdentityModel.Tokens.RsaSecurityKey Encryption);
}
