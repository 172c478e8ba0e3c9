import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { h } from './bytes.testutil.ts';
import { publicKeyFromSeed, sign } from './ed25519.ts';
import { type SignatureSet, VerifyPool } from './verify-pool.ts';

interface VerifyCase {
  id: string;
  input: { op: string; publicKey: string; message: string; signature: string };
  expected: { ok: boolean; error?: string };
}

const dir = join(import.meta.dirname, '..', '..', '..', 'test-vectors', 'crypto');
const verifyCases = ['ed25519-policy.json', 'ed25519-rfc8032.json', 'ed25519-taming.json']
  .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: VerifyCase[] }).cases)
  .filter((c) => c.input.op === 'verify');

function signedSets(count: number): SignatureSet[] {
  return Array.from({ length: count }, (_, i) => {
    const seed = new Uint8Array(32).fill(i % 7);
    seed[0] = i & 0xff;
    const message = new TextEncoder().encode(`transfer ${i}`);
    return { publicKey: publicKeyFromSeed(seed), message, signature: sign(seed, message) };
  });
}

describe('VerifyPool', () => {
  const pool = new VerifyPool({ workers: 2 });
  afterAll(() => pool.close());

  it('gives every signature vector its expected outcome and failure code, in one batch', async () => {
    expect(verifyCases.length).toBeGreaterThanOrEqual(30);
    const results = await pool.verifyBatch(
      verifyCases.map((c) => ({
        publicKey: h(c.input.publicKey),
        message: h(c.input.message),
        signature: h(c.input.signature),
      })),
    );
    results.forEach((r, i) => {
      const c = verifyCases[i] as VerifyCase;
      expect(r.ok ? { ok: true } : { ok: false, error: r.reason }, c.id).toEqual(
        c.expected.ok ? { ok: true } : { ok: false, error: c.expected.error },
      );
    });
  });

  it('keeps the order of a batch split across workers and finds each forgery in it', async () => {
    const sets = signedSets(300);
    const forged = new Set([0, 77, 150, 299]);
    const batch = sets.map((s, i) =>
      forged.has(i) ? { ...s, message: new TextEncoder().encode(`transfer ${i + 1000}`) } : s,
    );
    const before = pool.stats.jobs;
    const results = await pool.verifyBatch(batch);
    expect(pool.stats.jobs - before).toBe(2);
    expect(results.flatMap((r, i) => (r.ok ? [] : [[i, r.reason]]))).toEqual(
      [...forged].map((i) => [i, 'SIG_MISMATCH']),
    );
  });

  it('answers batches in flight when it is closed, on the main thread', async () => {
    const own = new VerifyPool({ workers: 1 });
    const sets = signedSets(400);
    const pending = own.verifyBatch(sets);
    await own.close();
    expect((await pending).every((r) => r.ok)).toBe(true);
    expect(await own.verifyBatch(sets.slice(0, 3))).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(own.stats.fallbacks).toBeGreaterThanOrEqual(3);
  });

  it('verifies on the main thread when its workers cannot start, and stops restarting them', async () => {
    const broken = new VerifyPool({ workers: 1, workerSource: 'throw new Error("no worker today")' });
    const sets = signedSets(40);
    const forged = { ...(sets[5] as SignatureSet), message: new TextEncoder().encode('other') };
    await expect.poll(() => broken.stats.workers, { timeout: 10_000 }).toBe(0);
    const results = await broken.verifyBatch([...sets, forged]);
    expect(results.filter((r) => r.ok)).toHaveLength(40);
    expect(results.at(-1)).toEqual({ ok: false, reason: 'SIG_MISMATCH' });
    expect(broken.stats.fallbacks).toBe(41);
    await broken.close();
  });

  it('refuses a pool without workers', () => {
    expect(() => new VerifyPool({ workers: 0 })).toThrow(RangeError);
  });
});
