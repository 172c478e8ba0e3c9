import type { SignatureSet, SignatureVerifier } from '@babychain/crypto';
import { VerifyPool } from '@babychain/crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TestKey } from './app.testutil.ts';
import { memoryDb, signedTransfer, TEST_CHAIN, testGenesis, testKey } from './app.testutil.ts';
import { App } from './app.ts';

const [alice, bob] = [0, 1].map((n) => testKey(n)) as [TestKey, TestKey];
const genesis = testGenesis([alice, bob], 10_000n);

const transfer = (nonce: bigint, chainId = TEST_CHAIN) =>
  signedTransfer({ from: alice, to: bob.address, amount: 1n, fee: 10n, nonce, chainId });

/** A transfer whose signature is another transfer's: every rule but TX-12 holds. */
function forged(nonce: bigint): Uint8Array {
  const tx = transfer(nonce);
  const other = transfer(nonce + 100n);
  // The signature is the last 64 bytes of both encodings (one signature, field last).
  tx.set(other.subarray(other.length - 64), tx.length - 64);
  return tx;
}

/** Records what it is asked and answers through a real pool, or "valid" for everything when told to lie. */
class RecordingVerifier implements SignatureVerifier {
  readonly calls: number[] = [];
  lie = false;
  readonly #pool: VerifyPool;
  constructor(pool: VerifyPool) {
    this.#pool = pool;
  }
  async verifyBatch(sets: readonly SignatureSet[]) {
    this.calls.push(sets.length);
    if (this.lie) return sets.map(() => ({ ok: true }) as const);
    return this.#pool.verifyBatch(sets);
  }
}

const pool = new VerifyPool({ workers: 1 });
const opened: App[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});
afterAll(() => pool.close());

async function openApp(verifier: SignatureVerifier | undefined): Promise<App> {
  const app = await App.open({
    db: memoryDb(),
    genesis,
    ...(verifier === undefined ? {} : { signatureVerifier: verifier }),
  });
  opened.push(app);
  return app;
}

describe('App.precheckTxs', () => {
  it('verifies a batch in one call to the verifier and leaves admission nothing to verify', async () => {
    const verifier = new RecordingVerifier(pool);
    const app = await openApp(verifier);
    const good = [transfer(0n), transfer(1n)];
    await app.precheckTxs([...good, forged(2n), transfer(3n, 'other-chain')]);
    // The wrong chain fails TX-5 before any signature is verified.
    expect(verifier.calls).toEqual([3]);
    for (const tx of good) expect(app.checkTxStateless(tx).bytes).toBe(tx);
    // Asked again, it verifies nothing: every verdict is remembered.
    await app.precheckTxs([...good, forged(2n)]);
    expect(verifier.calls).toEqual([3]);
  });

  it('refuses at admission with the code and message the thread-local check gives', async () => {
    const app = await openApp(new RecordingVerifier(pool));
    const plain = await openApp(undefined);
    for (const tx of [forged(0n), transfer(0n, 'other-chain')]) {
      await app.precheckTxs([tx]);
      let fromPool: unknown;
      let local: unknown;
      try {
        app.checkTxStateless(tx);
      } catch (err) {
        fromPool = err;
      }
      try {
        plain.checkTxStateless(tx);
      } catch (err) {
        local = err;
      }
      expect(local).toBeDefined();
      expect(fromPool).toMatchObject({
        code: (local as { code: string }).code,
        message: (local as Error).message,
      });
    }
  });

  it("takes the verifier's verdict: a signature it accepted is not verified again on the main thread", async () => {
    const verifier = new RecordingVerifier(pool);
    const app = await openApp(verifier);
    const tx = forged(0n);
    verifier.lie = true;
    await app.precheckTxs([tx]);
    expect(app.checkTxStateless(tx).bytes).toBe(tx);
    const plain = await openApp(undefined);
    await plain.precheckTxs([tx]);
    expect(() => plain.checkTxStateless(tx)).toThrow(expect.objectContaining({ code: 'TX_BAD_SIGNATURE' }));
  });
});
