import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { governanceHandlers } from './handlers.ts';

interface VectorCase {
  id: string;
  input: Record<string, unknown>;
  expected: { ok: true; [k: string]: unknown } | { ok: false; error: string };
}

const files = readdirSync(import.meta.dirname)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((name) => ({
    name,
    ...(JSON.parse(readFileSync(join(import.meta.dirname, name), 'utf8')) as { runner: string; cases: VectorCase[] }),
  }));

/** the runner contract of test-vectors/README.md: the expected code, or every expected key deep-equal */
function outcome(runner: string, vector: VectorCase): string {
  const handler = governanceHandlers[runner];
  if (handler === undefined) return `no handler for runner "${runner}"`;
  let output: Record<string, unknown>;
  try {
    output = handler(vector.input);
  } catch (err) {
    const got = isBabyError(err) ? err.code : String(err);
    if (!vector.expected.ok)
      return got === vector.expected.error ? 'passed' : `expected ${vector.expected.error}, got ${got}`;
    return `expected success, got ${got}`;
  }
  if (!vector.expected.ok) return `expected ${vector.expected.error}, but the input was accepted`;
  for (const [key, want] of Object.entries(vector.expected)) {
    if (key !== 'ok' && !isDeepStrictEqual(output[key], want)) {
      return `${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(output[key])}`;
    }
  }
  return 'passed';
}

describe('governance test vectors', () => {
  it('covers manifests and tallies, with must-reject manifest cases', () => {
    const runners = files.map((f) => f.runner).sort();
    expect(runners).toEqual(['gov-tally', 'release-manifest']);
    const manifests = files.find((f) => f.runner === 'release-manifest')?.cases ?? [];
    expect(manifests.filter((c) => !c.expected.ok).length).toBeGreaterThanOrEqual(10);
  });

  it('fails a case whose expected outcome is altered', () => {
    const file = files.find((f) => f.runner === 'gov-tally');
    const vector = file?.cases[0];
    if (file === undefined || vector === undefined || !vector.expected.ok) throw new Error('no tally case');
    expect(outcome(file.runner, { ...vector, expected: { ...vector.expected, status: 'passed' } })).not.toBe('passed');
  });

  for (const file of files) {
    describe(file.name, () => {
      for (const vector of file.cases) {
        it(vector.id, () => {
          expect(outcome(file.runner, vector)).toBe('passed');
        });
      }
    });
  }
});
