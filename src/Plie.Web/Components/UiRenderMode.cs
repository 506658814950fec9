using Microsoft.AspNetCore.Components.Web;

namespace Plie.Web.Components;

public static class UiRenderMode
{
    /// <summary>
    /// Interactive server rendering, without prerendering: each page loads its data once, in the circuit (prerendering
    /// would run the use cases twice — and audit every file reading twice).
    /// </summary>
    public static readonly InteractiveServerRenderMode Interactive = new(prerender: false);
}
