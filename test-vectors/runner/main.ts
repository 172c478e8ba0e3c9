// `pnpm vectors`: runs every test vector against this implementation and prints per-category counts.
import { loadVectorFiles } from './cases.ts';
import { runAll } from './run.ts';

const { tallies, failures } = await runAll(loadVectorFiles());
let passed = 0;
let failed = 0;
console.log('category   cases  must-reject  passed  failed');
for (const [category, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
  const cases = t.passed + t.failed;
  console.log(
    `${category.padEnd(10)} ${String(cases).padStart(5)}  ${String(t.rejectCases).padStart(11)}  ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}`,
  );
  passed += t.passed;
  failed += t.failed;
}
for (const f of failures) if (!f.passed) console.log(`FAIL ${f.id}: ${f.reason}`);
console.log(`vectors: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
