// `node scripts/gen-proto.ts [--check]`: regenerates packages/codec/src/generated/ from specs/proto.
// With --check it writes nothing and exits 1 when the generated files are stale (CI).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_PATHS, generate, PROTO_DIR } from '../packages/codec/src/codegen.ts';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const files = generate(join(root, PROTO_DIR));

let stale = 0;
for (const key of ['schema', 'types'] as const) {
  const path = join(root, GENERATED_PATHS[key]);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === files[key]) continue;
  if (check) {
    console.error(`${GENERATED_PATHS[key]} is stale: run node scripts/gen-proto.ts`);
    stale++;
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files[key]);
    console.log(`wrote ${GENERATED_PATHS[key]}`);
  }
}
if (check && stale === 0) console.log('generated files are up to date');
process.exitCode = stale === 0 ? 0 : 1;
