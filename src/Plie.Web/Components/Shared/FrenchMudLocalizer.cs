using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Plie.Web.Components.Shared;

/// <summary>MudBlazor's own texts (pagers, file upload, close buttons…) in French.</summary>
public sealed class FrenchMudLocalizer : MudLocalizer
{
    private static readonly Dictionary<string, string> Texts = new()
    {
        ["MudAlert_Close"] = "Fermer",
        ["MudChip_Close"] = "Retirer",
        ["MudDialog_Close"] = "Fermer",
        ["MudSnackbar_Close"] = "Fermer",
        ["MudInput_Clear"] = "Effacer",
        ["MudInput_Increment"] = "Augmenter",
        ["MudInput_Decrement"] = "Diminuer",
        ["MudFormComponent_Required"] = "Obligatoire",
        ["MudSelect_SelectAll"] = "Tout sélectionner",
        ["MudBaseDatePicker_Open"] = "Ouvrir le calendrier",
        ["MudBaseDatePicker_NextMonth"] = "Mois suivant {0}",
        ["MudBaseDatePicker_PrevMonth"] = "Mois précédent {0}",
        ["MudBaseDatePicker_NextYear"] = "Année suivante {0}",
        ["MudBaseDatePicker_PrevYear"] = "Année précédente {0}",
        ["MudFileUpload_Button"] = "Parcourir",
        ["MudFileUpload_DragAndDrop"] = "Déposez les fichiers ici ou cliquez pour parcourir",
        ["MudFileUpload_FileSizeError"] = "Le fichier « {0} » dépasse la taille maximale de {1} octets.",
        ["MudPagination_CurrentPage"] = "Page courante {0}",
        ["MudPagination_FirstPage"] = "Première page",
        ["MudPagination_LastPage"] = "Dernière page",
        ["MudPagination_NextPage"] = "Page suivante",
        ["MudPagination_PreviousPage"] = "Page précédente",
        ["MudPagination_PageIndex"] = "Page {0}",
        ["MudTablePager_FirstPage"] = "Première page",
        ["MudTablePager_LastPage"] = "Dernière page",
        ["MudTablePager_NextPage"] = "Page suivante",
        ["MudTablePager_PreviousPage"] = "Page précédente",
        ["MudTable_Loading"] = "Chargement…",
        ["MudTabs_ScrollLeft"] = "Onglets précédents",
        ["MudTabs_ScrollRight"] = "Onglets suivants",
        ["MudNavGroup_ToggleExpand"] = "Déplier {0}",
        ["Converter_InvalidDateTime"] = "Date invalide",
        ["Converter_InvalidNumber"] = "Nombre invalide",
        ["Converter_InvalidBoolean"] = "Valeur invalide",
    };

    public override LocalizedString this[string key] =>
        Texts.TryGetValue(key, out var text) ? new LocalizedString(key, text) : new LocalizedString(key, key, resourceNotFound: true);

    public override LocalizedString this[string key, params object[] arguments] =>
        Texts.TryGetValue(key, out var text)
            ? new LocalizedString(key, string.Format(Labels.Fr, text, arguments))
            : new LocalizedString(key, key, resourceNotFound: true);
}
