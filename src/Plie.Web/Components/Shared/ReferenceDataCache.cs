using Plie.Application.ReferenceData;
using Plie.Domain.ReferenceData;
using Plie.Web.Hosting;

namespace Plie.Web.Components.Shared;

/// <summary>The reference lists for the screens' selects and labels, read once per circuit (and again after a change).</summary>
public sealed class ReferenceDataCache(UiSender useCases)
{
    private Task<ReferenceDataView>? _data;

    public Task<ReferenceDataView> GetAsync() => _data is { IsFaulted: false, IsCanceled: false } data
        ? data
        : _data = useCases.Query(new GetReferenceDataQuery());

    public void Invalidate() => _data = null;

    /// <summary>The items of a list valid on a date (all of them if null), by label.</summary>
    public static IReadOnlyList<ReferenceItemView> Items(ReferenceDataView data, string kind, DateOnly? validOn = null) =>
        data.Items.Where(i => i.Kind == kind && (validOn is not { } d || (d >= i.ValidFrom && (i.ValidTo is null || d <= i.ValidTo))))
            .OrderBy(i => i.Label, StringComparer.Create(Labels.Fr, false)).ToList();

    public static string Label(ReferenceDataView? data, string kind, string? code) =>
        code is null ? "—" : data?.Items.FirstOrDefault(i => i.Kind == kind && i.Code == code)?.Label ?? code;

    public static string DocumentType(ReferenceDataView? data, string code) => Label(data, ReferenceKinds.DocumentType, code);

    public static string CommuneName(ReferenceDataView? data, string? insee) =>
        insee is null ? "—" : data?.Communes.FirstOrDefault(c => c.InseeCode == insee)?.Name ?? insee;
}
