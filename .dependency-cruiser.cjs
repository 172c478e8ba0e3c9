// Enforces docs/architecture.md (Packages and their layers): one-way package dependencies, no import cycles, and no reaching
// into another package's files past its src/index.ts.
const layers = require('./scripts/package-layers.json');

const packages = Object.keys(layers).filter((name) => !name.startsWith('$'));

const layerRules = packages.map((name) => {
  const allowed = [name, ...layers[name]];
  return {
    name: `layer-${name}`,
    comment: `${name} may depend only on: ${layers[name].join(', ') || 'no workspace package'}`,
    severity: 'error',
    from: { path: `^packages/${name}/` },
    to: { path: '^packages/[^/]+/', pathNot: `^packages/(${allowed.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve is usually a workspace package the importer may not declare',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-through-index',
      comment: "another package's internals are reached only through its src/index.ts",
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
