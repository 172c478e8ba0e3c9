import { sha256, toHex } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestKey } from './app.testutil.ts';
import { commitBlock, memoryDb, nextBlock, signedTransfer, TEST_CHAIN, testGenesis, testKey } from './app.testutil.ts';
import { App } from './app.ts';
import { ToyGovernance } from './governance.testutil.ts';
import type { ChainRules } from './rules.ts';

const [alice, bob, proposer] = [0, 1, 4].map((n) => testKey(n)) as [TestKey, TestKey, TestKey];
const genesis = testGenesis([alice, bob], 10_000n);
/** The toy's upgrade: app version 1 from this height. */
const UPGRADE_AT = 3n;

/** A release whose app version 1 allows memos of 512 bytes. */
const widening = (v: number): ChainRules => ({ maxMemoBytes: v >= 1 ? 512 : 256 });
/** A release whose app version 1 allows memos of 256 bytes only, after 512 before. */
const narrowing = (v: number): ChainRules => ({ maxMemoBytes: v >= 1 ? 256 : 512 });

const memoTx = (nonce: bigint, bytes = 300) =>
  signedTransfer({
    from: alice,
    to: bob.address,
    amount: 1n,
    fee: 10n,
    nonce,
    chainId: TEST_CHAIN,
    memo: 'm'.repeat(bytes),
  });

const opened: App[] = [];
async function openApp(rules: (v: number) => ChainRules): Promise<App> {
  const governance = new ToyGovernance({ genesis, upgradeAt: UPGRADE_AT });
  const app = await App.open({ db: memoryDb(), genesis, governance, rules });
  opened.push(app);
  return app;
}

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const memoTooLong = expect.objectContaining({ code: 'TX_MEMO_TOO_LONG' });
const empty = async (app: App) => commitBlock(app, { txs: [], proposer: proposer.address });
const propose = (app: App, candidates: Uint8Array[]) =>
  app.prepareProposal({
    height: app.info().height + 1n,
    timeMs: 1_000n + (app.info().height + 1n) * 1_000n,
    proposerAddress: proposer.address,
    candidates,
  });

describe('App rules by app version', () => {
  it("admits a transaction under the rules of the next block's app version (UPG-3)", async () => {
    const app = await openApp(widening);
    const tx = memoTx(0n);
    await empty(app); // next: height 2, still app version 0
    expect(app.headerVersion(2n)).toBe(0);
    expect(() => app.checkTxStateless(tx)).toThrow(memoTooLong);
    await expect(app.checkTx(tx)).rejects.toEqual(memoTooLong);
    const before = await propose(app, [tx]);
    expect(before.txs).toEqual([]);
    expect(before.skipped).toEqual([expect.objectContaining({ index: 0, code: 'TX_MEMO_TOO_LONG' })]);

    await empty(app); // next: height 3, the first block of app version 1
    expect(app.headerVersion(3n)).toBe(1);
    expect(app.checkTxStateless(tx).id).toEqual(sha256(tx));
    expect((await app.checkTx(tx)).id).toEqual(sha256(tx));
    const block = await commitBlock(app, { txs: [tx], proposer: proposer.address });
    expect(block.header?.version).toBe(1);
    expect((await app.tx(sha256(tx)))?.height).toBe(UPGRADE_AT);
    expect(() => app.checkTxStateless(memoTx(1n, 513))).toThrow(memoTooLong);
  });

  it('refuses a block below the plan height that holds a memo only the new version allows', async () => {
    const app = await openApp(widening);
    // A node that wrongly applies version 1's rules a block early builds the same chain up to there.
    const early = await openApp(() => ({ maxMemoBytes: 512 }));
    await empty(app);
    await empty(early);
    expect(early.info().lastBlockHash).toEqual(app.info().lastBlockHash);
    const block = await nextBlock(early, { txs: [memoTx(0n)], proposer: proposer.address });
    expect(block.header?.version).toBe(0);
    await expect(app.processProposal(block)).rejects.toEqual(
      expect.objectContaining({ code: 'TX_MEMO_TOO_LONG', meta: expect.objectContaining({ txIndex: 0 }) }),
    );
    await expect(app.finalizeBlock(block)).rejects.toEqual(memoTooLong);
  });

  it('checks a remembered transaction again when the rules change, instead of trusting the old check', async () => {
    const app = await openApp(narrowing);
    const tx = memoTx(0n);
    await empty(app); // next: height 2, app version 0 allows 512 bytes
    expect(app.checkTxStateless(tx).id).toEqual(sha256(tx));
    const hits = app.metrics.checkedCacheHits;
    expect(app.checkTxStateless(tx).id).toEqual(sha256(tx));
    expect(app.metrics.checkedCacheHits).toBe(hits + 1);

    await empty(app); // next: height 3, app version 1 allows 256
    expect(() => app.checkTxStateless(tx)).toThrow(memoTooLong);
    const proposal = await propose(app, [tx]);
    expect(proposal.skipped).toEqual([expect.objectContaining({ index: 0, code: 'TX_MEMO_TOO_LONG' })]);
    expect(app.metrics.checkedCacheHits).toBe(hits + 1);
  });

  it('replays blocks from both sides of the plan height to the same state', async () => {
    const app = await openApp(widening);
    const blocks = [await empty(app), await empty(app)];
    blocks.push(await commitBlock(app, { txs: [memoTx(0n)], proposer: proposer.address }));
    const replica = await openApp(widening);
    for (const block of blocks) {
      await replica.finalizeBlock(block);
      await replica.commit();
    }
    expect(toHex(replica.info().appHash)).toBe(toHex(app.info().appHash));
  });
});
