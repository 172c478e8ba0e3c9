// pnpm hooks. Only beforePacking: nothing here changes what `pnpm install` resolves.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The package.json that `pnpm pack` / `pnpm publish` put in a published package's tarball (docs/architecture.md,
 * Published packages). pnpm has already swapped in `publishConfig` and turned `workspace:` and `catalog:` into
 * versions. A workspace package that is itself private is bundled into the published dist/ by
 * scripts/build-package.ts (the same rule: a private workspace dependency is bundled), so it is no dependency of the
 * tarball: left in, `npm install` would look for a package that is never published. devDependencies name workspace
 * test helpers that are not published either, and a user of the package never installs them. The checksum of this
 * file is in pnpm-lock.yaml: after a change, `pnpm install` updates it.
 */
function beforePacking(pkg, dir) {
  const dependencies = { ...pkg.dependencies };
  for (const name of Object.keys(dependencies)) {
    if (!name.startsWith('@babychain/')) continue;
    const linked = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
    if (linked.private === true) delete dependencies[name];
  }
  const packed = { ...pkg, dependencies };
  delete packed.devDependencies;
  // pnpm leaves `scripts: {}` once it has taken out prepack, the workspace build
  if (Object.keys(packed.scripts ?? {}).length === 0) delete packed.scripts;
  return packed;
}

module.exports = { hooks: { beforePacking } };
