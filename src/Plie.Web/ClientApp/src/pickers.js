// The "Plie" group of the properties panel: pickers fed by the server (the handler catalogue, the roles, the form
// keys) instead of free text. They write the same Camunda 7 attributes as the standard entries.
import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry, CheckboxEntry, isSelectEntryEdited, isCheckboxEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const LOW_PRIORITY = 400;

function TopicEntry({ element, id }) {
  const modeling = useService('modeling');
  const catalogue = useService('plieCatalogue');
  const bo = getBusinessObject(element);
  const current = bo.get('camunda:topic') || '';
  const topic = catalogue.topics.find((t) => t.name === current);
  const description = topic
    ? `${topic.description} — entrées : ${topic.inputs.join(', ') || 'aucune'} ; sorties : ${topic.outputs.join(', ') || 'aucune'}`
    : 'Le traitement du catalogue que cette étape appelle.';
  return h(SelectEntry, {
    element,
    id,
    label: 'Traitement (catalogue)',
    description,
    getValue: () => bo.get('camunda:topic') || '',
    setValue: (value) => modeling.updateProperties(element, value
      ? { 'camunda:type': 'external', 'camunda:topic': value, 'camunda:class': undefined, 'camunda:expression': undefined, 'camunda:delegateExpression': undefined }
      : { 'camunda:type': undefined, 'camunda:topic': undefined }),
    getOptions: () => [
      { value: '', label: '— choisir un traitement —' },
      ...catalogue.topics.map((t) => ({ value: t.name, label: `${t.description} (${t.name})` })),
      ...(current && !topic ? [{ value: current, label: `${current} (inconnu)` }] : [])
    ]
  });
}

function groupsOf(bo) {
  return (bo.get('camunda:candidateGroups') || '').split(',').map((s) => s.trim()).filter(Boolean);
}

function GroupEntry({ element, id, group }) {
  const modeling = useService('modeling');
  const bo = getBusinessObject(element);
  return h(CheckboxEntry, {
    element,
    id,
    label: group.label,
    getValue: () => groupsOf(bo).includes(group.id),
    setValue: (checked) => {
      const groups = groupsOf(bo).filter((g) => g !== group.id);
      if (checked) groups.push(group.id);
      modeling.updateProperties(element, { 'camunda:candidateGroups': groups.length ? groups.join(',') : undefined });
    }
  });
}

function FormKeyEntry({ element, id }) {
  const modeling = useService('modeling');
  const catalogue = useService('plieCatalogue');
  const bo = getBusinessObject(element);
  const current = bo.get('camunda:formKey') || '';
  return h(SelectEntry, {
    element,
    id,
    label: 'Formulaire',
    description: 'Sans formulaire choisi, l’écran est généré à partir des champs du formulaire (onglet Form).',
    getValue: () => bo.get('camunda:formKey') || '',
    setValue: (value) => modeling.updateProperties(element, { 'camunda:formKey': value || undefined }),
    getOptions: () => [
      { value: '', label: '— formulaire généré (champs) —' },
      ...catalogue.formKeys.map((f) => ({ value: f.key, label: `${f.label} (${f.key})` })),
      ...(current && !catalogue.formKeys.some((f) => f.key === current) ? [{ value: current, label: `${current} (inconnu)` }] : [])
    ]
  });
}

function PliePickersProvider(propertiesPanel, plieCatalogue) {
  this.getGroups = (element) => (groups) => {
    const entries = [];
    if (is(element, 'bpmn:ServiceTask')) {
      entries.push({ id: 'plieTopic', element, component: TopicEntry, isEdited: isSelectEntryEdited });
    }
    if (is(element, 'bpmn:UserTask')) {
      entries.push({ id: 'plieFormKey', element, component: FormKeyEntry, isEdited: isSelectEntryEdited });
      for (const group of plieCatalogue.groups) {
        entries.push({
          id: `plieGroup-${group.id}`,
          element,
          component: (props) => h(GroupEntry, { ...props, group }),
          isEdited: isCheckboxEntryEdited
        });
      }
    }
    if (entries.length) {
      const label = is(element, 'bpmn:UserTask') ? 'Plie — formulaire et rôles' : 'Plie — traitement';
      groups.splice(Math.min(1, groups.length), 0, { id: 'plie', label, entries });
    }
    return groups;
  };

  // After getGroups exists: the panel refuses (and logs) a provider without it.
  propertiesPanel.registerProvider(LOW_PRIORITY, this);
}

PliePickersProvider.$inject = ['propertiesPanel', 'plieCatalogue'];

export default {
  __init__: ['pliePickersProvider'],
  pliePickersProvider: ['type', PliePickersProvider]
};
