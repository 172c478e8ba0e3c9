import { isDeepStrictEqual } from 'node:util';
import { isBabyError } from '@babychain/codec';
import type { VectorCase, VectorFile } from './cases.ts';
import { handlers } from './handlers.ts';

export type CaseResult =
  | { readonly id: string; readonly passed: true }
  | { readonly id: string; readonly passed: false; readonly reason: string };

/**
 * Runs one case under the runner contract (test-vectors/README.md): a must-reject case passes when the handler
 * throws a BabyError with exactly the expected code; an accepted case passes when the handler returns and every
 * expected field other than `ok` equals the handler's output field.
 */
export async function runCase(runner: string, vector: VectorCase): Promise<CaseResult> {
  const handler = handlers[runner];
  if (handler === undefined) return { id: vector.id, passed: false, reason: `no handler for runner "${runner}"` };
  let output: Record<string, unknown>;
  try {
    output = await handler(vector.input);
  } catch (err) {
    if (!vector.expected.ok) {
      if (isBabyError(err) && err.code === vector.expected.error) {
        for (const [key, want] of Object.entries(vector.expected.meta ?? {})) {
          if (!isDeepStrictEqual(err.meta[key], want)) {
            return {
              id: vector.id,
              passed: false,
              reason: `meta.${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(err.meta[key])}`,
            };
          }
        }
        return { id: vector.id, passed: true };
      }
      const got = isBabyError(err) ? err.code : String(err);
      return { id: vector.id, passed: false, reason: `expected error ${vector.expected.error}, got ${got}` };
    }
    const got = isBabyError(err) ? `${err.code}: ${err.message}` : String(err);
    return { id: vector.id, passed: false, reason: `expected success, got ${got}` };
  }
  if (!vector.expected.ok) {
    return {
      id: vector.id,
      passed: false,
      reason: `expected error ${vector.expected.error}, but the input was accepted`,
    };
  }
  for (const [key, want] of Object.entries(vector.expected)) {
    if (key === 'ok') continue;
    if (!isDeepStrictEqual(output[key], want)) {
      return {
        id: vector.id,
        passed: false,
        reason: `${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(output[key])}`,
      };
    }
  }
  return { id: vector.id, passed: true };
}

export interface CategoryTally {
  passed: number;
  failed: number;
  rejectCases: number;
}

/** Runs every case of every file; returns per-category tallies and the failures. */
export async function runAll(
  files: readonly VectorFile[],
): Promise<{ tallies: Map<string, CategoryTally>; failures: CaseResult[] }> {
  const tallies = new Map<string, CategoryTally>();
  const failures: CaseResult[] = [];
  for (const file of files) {
    const tally = tallies.get(file.runner) ?? { passed: 0, failed: 0, rejectCases: 0 };
    tallies.set(file.runner, tally);
    for (const vector of file.cases) {
      const result = await runCase(file.runner, vector);
      if (!vector.expected.ok) tally.rejectCases++;
      if (result.passed) tally.passed++;
      else {
        tally.failed++;
        failures.push(result);
      }
    }
  }
  return { tallies, failures };
}
