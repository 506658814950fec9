// French labels for the modeler's most visible texts (palette, context pad, properties panel groups). Anything not
// listed stays in English; placeholders {name} are filled as bpmn-js does.
const fr = {
  'Activate hand tool': 'Outil main',
  'Activate lasso tool': 'Outil lasso',
  'Activate create/remove space tool': 'Créer/supprimer de l’espace',
  'Activate global connect tool': 'Outil de connexion',
  'Create start event': 'Créer un événement de début',
  'Create end event': 'Créer un événement de fin',
  'Create task': 'Créer une tâche',
  'Create gateway': 'Créer une passerelle',
  'Create intermediate/boundary event': 'Créer un événement intermédiaire',
  'Create expanded sub-process': 'Créer un sous-processus',
  'Create data object reference': 'Créer un objet de données',
  'Create data store reference': 'Créer un stockage de données',
  'Create pool/participant': 'Créer un couloir',
  'Create group': 'Créer un groupe',
  'Append task': 'Ajouter une tâche',
  'Append end event': 'Ajouter un événement de fin',
  'Append gateway': 'Ajouter une passerelle',
  'Append intermediate/boundary event': 'Ajouter un événement intermédiaire',
  'Append text annotation': 'Ajouter une annotation',
  'Connect using sequence/message flow or association': 'Relier',
  'Connect to other element': 'Relier à un autre élément',
  'Change element': 'Changer le type',
  'Delete': 'Supprimer',
  'General': 'Général',
  'Name': 'Nom',
  'ID': 'Identifiant',
  'Documentation': 'Documentation',
  'Element documentation': 'Documentation de l’élément',
  'User assignment': 'Affectation',
  'Assignee': 'Assigné à',
  'Candidate groups': 'Groupes candidats',
  'Candidate users': 'Utilisateurs candidats',
  'Due date': 'Échéance',
  'Follow up date': 'Date de relance',
  'Priority': 'Priorité',
  'Form': 'Formulaire',
  'Form fields': 'Champs du formulaire',
  'Implementation': 'Implémentation',
  'Topic': 'Sujet (topic)',
  'Type': 'Type',
  'Condition': 'Condition',
  'Timer': 'Minuteur',
  'Message': 'Message',
  'Multi-instance': 'Multi-instance',
  'Asynchronous continuations': 'Continuations asynchrones',
  'Inputs': 'Entrées',
  'Outputs': 'Sorties',
  'Label': 'Libellé',
  'Default value': 'Valeur par défaut',
  'Validation': 'Validation',
  'Expression': 'Expression',
  'Script': 'Script'
};

function translate(template, replacements) {
  const text = fr[template] || template;
  return text.replace(/{([^}]+)}/g, (_, key) => (replacements && key in replacements ? replacements[key] : `{${key}}`));
}

export default { translate: ['value', translate] };
