import { describe, expect, it } from 'vitest';
import { loadVectorFiles } from './cases.ts';
import { runCase } from './run.ts';

const files = loadVectorFiles();

describe('test vectors', () => {
  it('has cases in the codec, crypto and tx categories, with must-reject cases in each', () => {
    for (const runner of ['codec', 'crypto', 'tx']) {
      const cases = files.filter((f) => f.runner === runner).flatMap((f) => f.cases);
      expect(cases.length, runner).toBeGreaterThan(0);
      expect(
        cases.some((c) => !c.expected.ok),
        runner,
      ).toBe(true);
    }
  });

  it('fails a must-reject case whose error detail differs from the expected one', async () => {
    const vector = files.flatMap((f) => f.cases).find((c) => !c.expected.ok && c.expected.meta !== undefined);
    if (vector === undefined || vector.expected.ok) throw new Error('no case with expected meta');
    expect((await runCase('tx', vector)).passed).toBe(true);
    const altered = { ...vector, expected: { ...vector.expected, meta: { ...vector.expected.meta, keyIndex: 7 } } };
    expect(await runCase('tx', altered)).toMatchObject({
      passed: false,
      reason: expect.stringContaining('meta.keyIndex'),
    });
  });

  it('gives every case a unique id', () => {
    const ids = files.flatMap((f) => f.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const file of files) {
    describe(file.path.slice(file.path.indexOf('test-vectors')), () => {
      for (const vector of file.cases) {
        it(vector.id, async () => {
          const result = await runCase(file.runner, vector);
          expect(result.passed ? 'passed' : result.reason).toBe('passed');
        });
      }
    });
  }
});
