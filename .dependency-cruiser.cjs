/**
 * The import graph's rules, checked by `npm run lint` (dependency-cruiser; docs/architecture.md explains
 * the layers). Type-only imports count: a type is a dependency too.
 *
 * LAYERS (scripts/import-layers.cjs) runs from the bottom up. A folder may import its own layer's folder and any folder of a lower
 * layer, never one above it: that rules out every back-edge and so every cycle between folders. Folders
 * that share a layer (e.g. `cluster` and `target`) may not import each other.
 */
const { LAYERS } = require('./scripts/import-layers.cjs');

const folder = (name) => `^src/${name}/`;
const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return layer.map((name) => {
    const forbidden = [...above, ...layer.filter((other) => other !== name)];
    return {
      name: `layer-${name}`,
      comment: `src/${name}/ may import only its own folder and the layers below it (see docs/architecture.md)`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: forbidden.length > 0 ? `^src/(${forbidden.join('|')})/` : '^$' },
    };
  });
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'folder-known',
      comment:
        'every module under src/ belongs to a folder of LAYERS (a loose file or a new folder needs a layer)',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules do not import each other in a cycle, inside a folder either',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'simulator-only-from-shells',
      comment: 'the engine never imports the simulator; only the shells and the simulated stand-in do',
      severity: 'error',
      from: { pathNot: '^src/(simulator|cli|action)/|^src/run/simulated-target\\.ts$' },
      to: { path: '^src/simulator/' },
    },
    {
      name: 'actions-toolkit-only-in-action',
      comment: '@actions/* is imported under src/action/ only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/action/' },
      to: { path: 'node_modules/@actions/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    includeOnly: '^src/|node_modules/@actions/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
