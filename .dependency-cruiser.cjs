// Enforces docs/architecture.md (Packages and their layers): one-way package dependencies, no import cycles, and no reaching
// into another package's files past its src/index.ts.
const layers = require('./scripts/package-layers.json');

const packages = Object.keys(layers).filter((name) => !name.startsWith('$'));

// Tests, their helpers and benchmarks: they alone may also import test-utils, which production code never loads.
const TEST_CODE = '\\.(test|testutil|bench)\\.ts$|/bench(/|\\.ts$)';

const layerRule = (name, kind, from, allowed) => ({
  name: `layer-${name}${kind}`,
  comment: `${name}${kind} may depend only on: ${allowed.join(', ') || 'no workspace package'}`,
  severity: 'error',
  from,
  to: { path: '^packages/[^/]+/', pathNot: `^packages/(${[name, ...allowed].join('|')})/` },
});

const layerRules = packages.flatMap((name) => [
  layerRule(name, '', { path: `^packages/${name}/`, pathNot: TEST_CODE }, layers[name]),
  layerRule(name, ' tests', { path: `^packages/${name}/.*(${TEST_CODE})` }, [...layers[name], 'test-utils']),
]);

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
    // a published package's build (scripts/build-package.ts): bundled output, not the sources the rules are about
    exclude: { path: '^packages/[^/]+/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
