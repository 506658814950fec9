// Bundles src/index.js (bpmn-js modeler + viewer, properties panel, Camunda 7 provider, Plie pickers) into
// ../wwwroot/lib/plie-bpmn/, with the stylesheets and the BPMN font. Run by the Plie.Web build (see Plie.Web.csproj).
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const out = '../wwwroot/lib/plie-bpmn';
mkdirSync(out, { recursive: true });

await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: `${out}/plie-bpmn.js`,
  legalComments: 'linked',
  logLevel: 'warning'
});

cpSync('node_modules/bpmn-js/dist/assets', `${out}/bpmn-js`, { recursive: true });
cpSync('node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css', `${out}/properties-panel.css`);
cpSync('src/plie-bpmn.css', `${out}/plie-bpmn.css`);
