// Plie's bpmn-js bundle: window.PlieBpmn.createModeler (designer) and window.PlieBpmn.createViewer (instance viewer,
// heatmap). Blazor calls these through JS interop and keeps the returned object as an IJSObjectReference.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import PliePickersModule from './pickers';
import FrenchTranslateModule from './translate';

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function importer(diagram) {
  return async (xml) => {
    try {
      const { warnings } = await diagram.importXML(xml);
      try { diagram.get('canvas').zoom('fit-viewport', 'auto'); } catch { /* empty diagram */ }
      return { ok: true, warnings: warnings.map((w) => w.message) };
    } catch (err) {
      return { ok: false, warnings: [String(err && err.message ? err.message : err)] };
    }
  };
}

function has(diagram, id) {
  return !!diagram.get('elementRegistry').get(id);
}

function addMarkers(diagram, ids, marker) {
  const canvas = diagram.get('canvas');
  for (const id of ids || []) {
    if (has(diagram, id)) canvas.addMarker(id, marker);
  }
}

function removeMarkers(diagram, marker) {
  const canvas = diagram.get('canvas');
  diagram.get('elementRegistry').forEach((e) => canvas.removeMarker(e.id, marker));
}

function listenToClicks(diagram, dotnetRef, method) {
  diagram.get('eventBus').on('element.click', (e) => {
    const el = e.element;
    if (el && el.type !== 'bpmn:Process' && el.type !== 'bpmn:Collaboration' && el.type !== 'label') {
      dotnetRef.invokeMethodAsync(method, el.id);
    }
  });
}

/**
 * The designer's modeler. catalogue = { topics: [{ name, description, inputs: [], outputs: [] }],
 * groups: [{ id, label }], formKeys: [{ key, label }] } feeds the Plie pickers of the properties panel.
 */
function createModeler(container, panel, catalogue, dotnetRef) {
  const modeler = new BpmnModeler({
    container,
    propertiesPanel: { parent: panel },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      PliePickersModule,
      FrenchTranslateModule,
      { plieCatalogue: ['value', catalogue || { topics: [], groups: [], formKeys: [] }] }
    ],
    moddleExtensions: { camunda: camundaModdle }
  });

  // Lets tests and the browser console reach the modeler of a designer canvas.
  container.plieModeler = modeler;

  if (dotnetRef) {
    modeler.get('eventBus').on('commandStack.changed', () => dotnetRef.invokeMethodAsync('OnDiagramChanged'));
    listenToClicks(modeler, dotnetRef, 'OnElementClicked');
  }

  return {
    importXml: importer(modeler),
    async exportXml() {
      const { xml } = await modeler.saveXML({ format: true });
      return xml;
    },
    /** The XML as UTF-8 bytes, which Blazor reads as a stream: a model is larger than one SignalR message (32 KB). */
    async exportXmlBytes() {
      const { xml } = await modeler.saveXML({ format: true });
      return new TextEncoder().encode(xml);
    },
    /** errors: [{ elementId, message }]. Marks and labels each element; returns the ids not found on the canvas. */
    showErrors(errors) {
      this.clearErrors();
      const overlays = modeler.get('overlays');
      const missing = [];
      const byElement = new Map();
      for (const e of errors || []) {
        if (e.elementId && has(modeler, e.elementId)) {
          byElement.set(e.elementId, [...(byElement.get(e.elementId) || []), e.message]);
        } else {
          missing.push(e.elementId || null);
        }
      }
      for (const [id, messages] of byElement) {
        modeler.get('canvas').addMarker(id, 'plie-error');
        overlays.add(id, 'plie-errors', {
          position: { bottom: -6, left: 0 },
          html: `<div class="plie-error-badge" data-element-error="${escapeHtml(id)}">${messages.map(escapeHtml).join('<br>')}</div>`
        });
      }
      return missing;
    },
    clearErrors() {
      modeler.get('overlays').remove({ type: 'plie-errors' });
      removeMarkers(modeler, 'plie-error');
    },
    /** Dry run: marks the active elements and the path taken so far. */
    mark(state) {
      for (const m of ['plie-active', 'plie-done', 'plie-incident']) removeMarkers(modeler, m);
      addMarkers(modeler, state.completed, 'plie-done');
      addMarkers(modeler, state.active, 'plie-active');
      addMarkers(modeler, state.incidents, 'plie-incident');
    },
    select(id) {
      const el = modeler.get('elementRegistry').get(id);
      if (!el) return;
      modeler.get('selection').select(el);
      modeler.get('canvas').scrollToElement(el);
    },
    destroy() { modeler.destroy(); }
  };
}

/** The read-only viewer of the instance page and the heatmap. */
function createViewer(container, dotnetRef) {
  const viewer = new NavigatedViewer({ container });
  if (dotnetRef) listenToClicks(viewer, dotnetRef, 'OnElementClickedJs');

  return {
    importXml: importer(viewer),
    /** state = { active: [], completed: [], incidents: [] } (element ids; completed may include sequence flows). */
    mark(state) {
      for (const m of ['plie-active', 'plie-done', 'plie-incident']) removeMarkers(viewer, m);
      addMarkers(viewer, state.completed, 'plie-done');
      addMarkers(viewer, state.active, 'plie-active');
      addMarkers(viewer, state.incidents, 'plie-incident');
    },
    /** stats = [{ elementId, waiting, late, median }]: a badge per element and a colour by share of waiting cases. */
    heat(stats) {
      const overlays = viewer.get('overlays');
      overlays.remove({ type: 'plie-heat' });
      for (let i = 1; i <= 4; i++) removeMarkers(viewer, `plie-heat-${i}`);
      const max = Math.max(1, ...(stats || []).map((s) => s.waiting));
      for (const s of stats || []) {
        if (!has(viewer, s.elementId)) continue;
        const level = s.waiting === 0 ? 0 : Math.min(4, 1 + Math.floor((3 * s.waiting) / max));
        if (level) viewer.get('canvas').addMarker(s.elementId, `plie-heat-${level}`);
        overlays.add(s.elementId, 'plie-heat', {
          position: { top: -14, right: 10 },
          html: `<div class="plie-heat-badge" data-heat="${escapeHtml(s.elementId)}" title="${escapeHtml(s.title || '')}">`
            + `<b>${s.waiting}</b>${s.late ? ` <span class="plie-late">${s.late} en retard</span>` : ''}`
            + `${s.median ? ` <span class="plie-median">${escapeHtml(s.median)}</span>` : ''}</div>`
        });
      }
    },
    fit() { viewer.get('canvas').zoom('fit-viewport', 'auto'); },
    destroy() { viewer.destroy(); }
  };
}

/** Saves text as a file in the browser (the designer's « Télécharger .bpmn » of the model on the canvas). */
function download(fileName, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

window.PlieBpmn = { createModeler, createViewer, download };
