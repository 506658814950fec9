namespace Plie.Web.Api;

public static class IntakeEndpoints
{
    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app) => app;
}
