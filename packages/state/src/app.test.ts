import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '@babychain/codec';
import { BabyError, blockHash, fromHex, merkleRoot, sha256, toHex } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestKey } from './app.testutil.ts';
import {
  assembleBlock,
  commitBlock,
  fakeCommit,
  memoryDb,
  nextBlock,
  signedTransfer,
  TEST_CHAIN,
  testGenesis,
  testKey,
} from './app.testutil.ts';
import { App } from './app.ts';
import { genesisHash } from './genesis.ts';
import type { KvDb } from './store.ts';
import { accountKey, referenceRoot, valueHash, verifyStateProof } from './tree/index.ts';

const [alice, bob, carol, dave, proposer] = [0, 1, 2, 3, 4].map((n) => testKey(n)) as [
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
];
const BALANCE = 1_000n;
const FEE = 10n;
const genesis = testGenesis([alice, bob, carol], BALANCE);

const pay = (from: TestKey, to: Uint8Array, amount: bigint, nonce: bigint, fee = FEE) =>
  signedTransfer({ from, to, amount, fee, nonce, chainId: TEST_CHAIN });

const opened: App[] = [];
async function openApp(db: string | KvDb = memoryDb(), g = genesis): Promise<App> {
  const app = await App.open({ db, genesis: g });
  opened.push(app);
  return app;
}

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

async function rejection(promise: Promise<unknown>): Promise<BabyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof BabyError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

async function balanceOf(app: App, key: { address: Uint8Array }): Promise<bigint | undefined> {
  return (await app.account(key.address)).account?.balance;
}

describe('App', () => {
  it('starts at height 0 with the genesis state root (GEN-7)', async () => {
    const app = await openApp();
    const info = app.info();
    expect(info.height).toBe(0n);
    expect(info.lastBlockHash).toEqual(new Uint8Array(0));
    expect(info.genesisHash).toEqual(genesisHash(genesis));
    const leaves = [alice, bob, carol].map(
      (k) => [accountKey(k.address), valueHash({ balance: BALANCE, nonce: 0n })] as const,
    );
    expect(info.appHash).toEqual(referenceRoot(leaves));
  });

  it('pays the fees of a block to its proposer', async () => {
    const app = await openApp();
    await commitBlock(app, {
      txs: [pay(alice, bob.address, 100n, 0n), pay(bob, carol.address, 50n, 0n, 25n)],
      proposer: proposer.address,
    });
    expect(await balanceOf(app, proposer)).toBe(35n);
    expect(await balanceOf(app, alice)).toBe(BALANCE - 110n);
    expect(await balanceOf(app, bob)).toBe(BALANCE + 100n - 75n);
    expect(await balanceOf(app, carol)).toBe(BALANCE + 50n);
    // The proposer may be a sender too: it pays its fee and gets it back.
    await commitBlock(app, { txs: [pay(alice, bob.address, 1n, 1n)], proposer: alice.address });
    expect(await balanceOf(app, alice)).toBe(BALANCE - 110n - 1n);
  });

  it('creates the recipient account and keeps a drained account with its nonce', async () => {
    const app = await openApp();
    expect((await app.account(dave.address)).account).toBeNull();
    await commitBlock(app, { txs: [pay(carol, dave.address, BALANCE - FEE, 0n)], proposer: proposer.address });
    expect((await app.account(dave.address)).account).toEqual({ balance: BALANCE - FEE, nonce: 0n });
    expect((await app.account(carol.address)).account).toEqual({ balance: 0n, nonce: 1n });
  });

  it('spends an exact balance and rejects a balance short by 1', async () => {
    const app = await openApp();
    const short = await rejection(app.checkTx(pay(carol, dave.address, BALANCE - FEE + 1n, 0n)));
    expect(short.code).toBe('TX_INSUFFICIENT_FUNDS');
    const block = assembleBlock(
      app,
      { txs: [pay(carol, dave.address, BALANCE - FEE + 1n, 0n)], proposer: proposer.address },
      merkleRoot([sha256(pay(carol, dave.address, BALANCE - FEE + 1n, 0n))]),
      new Uint8Array(32),
    );
    const err = await rejection(app.processProposal(block));
    expect(err.code).toBe('TX_INSUFFICIENT_FUNDS');
    expect(err.meta).toMatchObject({ txIndex: 0, balance: BALANCE, needed: BALANCE + 1n });
    const exact = await app.checkTx(pay(carol, dave.address, BALANCE - FEE, 0n));
    expect(exact.accountNonce).toBe(0n);
    await commitBlock(app, { txs: [pay(carol, dave.address, BALANCE - FEE, 0n)], proposer: proposer.address });
    expect(await balanceOf(app, carol)).toBe(0n);
  });

  it('rejects a block whose second transfer reuses a nonce', async () => {
    const app = await openApp();
    const txs = [pay(alice, bob.address, 1n, 0n), pay(alice, bob.address, 2n, 0n)];
    const block = assembleBlock(
      app,
      { txs, proposer: proposer.address },
      merkleRoot(txs.map((t) => sha256(t))),
      new Uint8Array(32),
    );
    const err = await rejection(app.processProposal(block));
    expect(err.code).toBe('TX_BAD_NONCE');
    expect(err.meta).toMatchObject({ txIndex: 1, expected: 1n, got: 0n });
  });

  it('rejects a replayed transaction in a later block and at checkTx', async () => {
    const app = await openApp();
    const tx = pay(alice, bob.address, 1n, 0n);
    await commitBlock(app, { txs: [tx], proposer: proposer.address });
    const check = await rejection(app.checkTx(tx));
    expect(check.code).toBe('TX_BAD_NONCE');
    expect(check.meta).toMatchObject({ expected: 1n, got: 0n });
    const block = assembleBlock(
      app,
      { txs: [tx], proposer: proposer.address },
      merkleRoot([sha256(tx)]),
      app.info().appHash,
    );
    expect((await rejection(app.processProposal(block))).code).toBe('TX_BAD_NONCE');
    // A higher nonce is a gap: the mempool may hold it, a block may not contain it.
    const gapped = pay(alice, bob.address, 1n, 5n);
    expect((await app.checkTx(gapped)).accountNonce).toBe(1n);
    const prepared = await app.prepareProposal({
      height: 2n,
      timeMs: 5_000n,
      proposerAddress: proposer.address,
      candidates: [gapped],
    });
    expect(prepared.txs).toEqual([]);
    expect(prepared.skipped).toMatchObject([{ index: 0, code: 'TX_BAD_NONCE' }]);
  });

  it('checks a transaction statelessly, then against the committed state (APP-1)', async () => {
    const app = await openApp();
    const tx = pay(alice, bob.address, 5n, 0n);
    const res = await app.checkTx(tx);
    expect(res).toMatchObject({ sender: alice.address, recipient: bob.address, nonce: 0n, fee: FEE, amount: 5n });
    expect(res.id).toEqual(sha256(tx));
    expect((await rejection(app.checkTx(pay(alice, bob.address, 5n, 0n, FEE - 1n)))).code).toBe('TX_FEE_TOO_LOW');
    expect((await rejection(app.checkTx(pay(dave, bob.address, 5n, 0n)))).code).toBe('TX_INSUFFICIENT_FUNDS');
    const wrongChain = signedTransfer({
      from: alice,
      to: bob.address,
      amount: 1n,
      fee: FEE,
      nonce: 0n,
      chainId: 'other',
    });
    expect((await rejection(app.checkTx(wrongChain))).code).toBe('TX_WRONG_CHAIN_ID');
    expect((await rejection(app.checkTx(Uint8Array.of(0xff)))).code).toMatch(/^CODEC_/);
  });

  it('verifies a transaction admitted through checkTxStateless only once, not again in the proposal', async () => {
    const app = await openApp();
    const txs = [pay(alice, bob.address, 5n, 0n), pay(bob, carol.address, 5n, 0n)];
    for (const tx of txs) expect(app.checkTxStateless(tx).id).toEqual(sha256(tx));
    expect(() => app.checkTxStateless(Uint8Array.of(0xff))).toThrow(
      expect.objectContaining({ code: 'CODEC_TRUNCATED' }),
    );
    const hitsBefore = app.metrics.checkedCacheHits;
    const prepared = await app.prepareProposal({
      height: 1n,
      timeMs: 2_000n,
      proposerAddress: carol.address,
      candidates: txs,
    });
    expect(prepared.txs).toEqual(txs);
    expect(app.metrics.checkedCacheHits - hitsBefore).toBe(2);
  });

  it('prepares a proposal within the block limits and processes it', async () => {
    const app = await openApp(memoryDb(), testGenesis([alice, bob, carol], BALANCE, { maxBlockTxs: 2 }));
    const candidates = [
      pay(alice, bob.address, 1n, 0n),
      pay(alice, bob.address, 1n, 0n), // the same bytes again: fails its nonce
      pay(bob, carol.address, 1n, 0n),
      pay(carol, alice.address, 1n, 0n), // beyond maxBlockTxs
    ];
    const prepared = await app.prepareProposal({
      height: 1n,
      timeMs: 2_000n,
      proposerAddress: proposer.address,
      candidates,
    });
    expect(prepared.txs).toEqual([candidates[0], candidates[2]]);
    expect(prepared.skipped).toMatchObject([{ index: 1, code: 'TX_BAD_NONCE' }]);
    const block = assembleBlock(
      app,
      { txs: prepared.txs, proposer: proposer.address, timeMs: 2_000n },
      prepared.txRoot,
      prepared.appHash,
    );
    const processed = await app.processProposal(block);
    expect(processed.appHash).toEqual(prepared.appHash);
    const final = await app.finalizeBlock(block);
    expect(final.txResults.map((r) => r.index)).toEqual([0, 1]);
    expect(final.fees).toBe(2n * FEE);
    const committed = await app.commit();
    expect({ height: committed.height, appHash: committed.appHash }).toEqual({ height: 1n, appHash: prepared.appHash });
    const touched = [...committed.changes.keys()];
    expect(touched.length).toBeGreaterThan(1);
    for (const hex of touched) expect((await app.account(fromHex(hex))).account).toEqual(committed.changes.get(hex));
    expect(app.info().lastBlockHash).toEqual(blockHash(block.header as NonNullable<Block['header']>));
  });

  it('stops a proposal at maxBlockBytes', async () => {
    const one = pay(alice, bob.address, 1n, 0n).length;
    const app = await openApp(memoryDb(), testGenesis([alice, bob, carol], BALANCE, { maxBlockBytes: 1024n }));
    const candidates = Array.from({ length: 10 }, (_, i) => pay(alice, bob.address, 1n, BigInt(i)));
    const prepared = await app.prepareProposal({
      height: 1n,
      timeMs: 2_000n,
      proposerAddress: proposer.address,
      candidates,
    });
    expect(prepared.txs.length).toBe(Math.floor(1024 / one));
  });

  it('finds committed blocks, transactions and account history, newest first', async () => {
    const app = await openApp();
    const t1 = pay(alice, bob.address, 1n, 0n);
    const t2 = pay(bob, alice.address, 2n, 0n);
    const t3 = pay(alice, carol.address, 3n, 1n);
    const b1 = await commitBlock(app, { txs: [t1, t2], proposer: proposer.address });
    const b2 = await commitBlock(app, { txs: [t3], proposer: proposer.address });
    expect(await app.blockByHeight(1n)).toEqual(b1);
    expect(await app.blockByHeight(2n)).toEqual(b2);
    expect(await app.blockByHeight(3n)).toBeUndefined();
    expect(await app.blockByHash(blockHash(b2.header as NonNullable<Block['header']>))).toEqual(b2);
    expect(await app.blockByHash(new Uint8Array(32))).toBeUndefined();
    const found = await app.tx(sha256(t2));
    expect(found).toMatchObject({ height: 1n, index: 1, bytes: t2 });
    expect(found?.tx.body?.nonce).toBe(0n);
    expect(await app.tx(sha256(Uint8Array.of(1)))).toBeUndefined();
    const history = await app.accountHistory(alice.address);
    expect(history.map((h) => [h.height, h.index, toHex(h.id), h.direction])).toEqual([
      [2n, 0, toHex(sha256(t3)), 'sent'],
      [1n, 1, toHex(sha256(t2)), 'received'],
      [1n, 0, toHex(sha256(t1)), 'sent'],
    ]);
    expect((await app.accountHistory(alice.address, { limit: 1 })).map((h) => h.height)).toEqual([2n]);
    expect((await app.accountHistory(alice.address, { before: { height: 2n, index: 0 } })).map((h) => h.index)).toEqual(
      [1, 0],
    );
    // one entry a page: two of them share height 1, and paging by position loses neither
    const paged: typeof history = [];
    let before: { height: bigint; index: number } | undefined;
    for (;;) {
      const page = await app.accountHistory(alice.address, { limit: 1, ...(before === undefined ? {} : { before }) });
      const last = page.at(-1);
      if (last === undefined) break;
      paged.push(...page);
      before = { height: last.height, index: last.index };
    }
    expect(paged).toEqual(history);
    expect(await app.accountHistory(carol.address)).toMatchObject([{ height: 2n, direction: 'received' }]);
    expect(await app.accountHistory(dave.address)).toEqual([]);
    expect(await app.accountHistory(proposer.address)).toEqual([]); // fee credits are not transfers
  });

  it('proves accounts and absent addresses against the app hash', async () => {
    const app = await openApp();
    await commitBlock(app, { txs: [pay(alice, bob.address, 1n, 0n)], proposer: proposer.address });
    const a = await app.account(alice.address, { prove: true });
    expect(a.account).toEqual({ balance: BALANCE - 1n - FEE, nonce: 1n });
    verifyStateProof(a.appHash, alice.address, a.account, a.proof as NonNullable<typeof a.proof>);
    const d = await app.account(dave.address, { prove: true });
    expect(d.account).toBeNull();
    verifyStateProof(d.appHash, dave.address, null, d.proof as NonNullable<typeof d.proof>);
    expect(() =>
      verifyStateProof(
        a.appHash,
        alice.address,
        { balance: BALANCE, nonce: 0n },
        a.proof as NonNullable<typeof a.proof>,
      ),
    ).toThrow(BabyError);
  });

  it('reopens after a commit at the same height, state and links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'babychain-state-'));
    try {
      const app = await App.open({ db: dir, genesis });
      const b1 = await commitBlock(app, { txs: [pay(alice, bob.address, 7n, 0n)], proposer: proposer.address });
      const before = app.info();
      await app.close();
      const again = await openApp(dir);
      expect(again.info()).toEqual(before);
      expect(await balanceOf(again, bob)).toBe(BALANCE + 7n);
      expect(await again.blockByHeight(1n)).toEqual(b1);
      // It keeps going: block 2 links to block 1 and must be later than it.
      const late = await nextBlock(again, { txs: [], proposer: proposer.address, timeMs: 3_000n });
      await again.processProposal(late);
      const early = assembleBlock(
        again,
        { txs: [], proposer: proposer.address, timeMs: 2_000n },
        merkleRoot([]),
        before.appHash,
      );
      expect((await rejection(again.processProposal(early))).code).toBe('BLOCK_BAD_TIME');
      await again.close();
      // Without a genesis the stored one is used; another genesis is refused.
      const stored = await openApp(dir);
      expect(stored.info()).toEqual(before);
      await stored.close();
      const other = testGenesis([alice], 5n);
      expect((await rejection(App.open({ db: dir, genesis: other }))).code).toBe('STATE_GENESIS_MISMATCH');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the state root unchanged across an empty block', async () => {
    const app = await openApp();
    const root = app.info().appHash;
    await commitBlock(app, { txs: [], proposer: proposer.address });
    expect(app.info()).toMatchObject({ height: 1n, appHash: root });
    expect((await app.account(proposer.address)).account).toBeNull();
  });

  it('executes a decided block in finalizeBlock without a processProposal first', async () => {
    const a = await openApp();
    const b = await openApp();
    const block = await nextBlock(a, { txs: [pay(alice, bob.address, 1n, 0n)], proposer: proposer.address });
    const res = await b.finalizeBlock(block);
    expect(res.appHash).toEqual(block.header?.appHash);
    await b.commit();
    expect(b.info().height).toBe(1n);
    await expect(b.commit()).rejects.toThrow(/no finalized block/);
  });

  describe('processProposal', () => {
    async function withBlock(mutate: (block: Block) => Block, setup?: (app: App) => Promise<void>): Promise<BabyError> {
      const app = await openApp();
      if (setup !== undefined) await setup(app);
      const good = await nextBlock(app, { txs: [pay(alice, bob.address, 1n, 0n)], proposer: proposer.address });
      await app.processProposal(good); // the valid block passes
      return rejection(app.processProposal(mutate(structuredClone(good))));
    }
    const header = (b: Block) => b.header as NonNullable<Block['header']>;
    const toSecondHeight = async (app: App) => {
      await commitBlock(app, { txs: [], proposer: proposer.address });
    };

    it('rejects a bad app hash', async () => {
      const err = await withBlock((b) => {
        header(b).appHash = new Uint8Array(32);
        return b;
      });
      expect(err.code).toBe('BLOCK_BAD_APP_HASH');
    });

    it('rejects a bad tx root', async () => {
      const err = await withBlock((b) => {
        header(b).txRoot = merkleRoot([]);
        return b;
      });
      expect(err.code).toBe('BLOCK_BAD_TX_ROOT');
    });

    it('rejects a duplicate transaction', async () => {
      const err = await withBlock((b) => {
        b.txs.push(b.txs[0] as Uint8Array);
        header(b).txRoot = merkleRoot(b.txs.map((t) => sha256(t)));
        return b;
      });
      expect(err.code).toBe('BLOCK_DUPLICATE_TX');
      expect(err.meta).toMatchObject({ txIndex: 1 });
    });

    it('rejects too many transactions and too many bytes', async () => {
      const app = await openApp(memoryDb(), testGenesis([alice, bob, carol], BALANCE, { maxBlockTxs: 1 }));
      const txs = [pay(alice, bob.address, 1n, 0n), pay(bob, carol.address, 1n, 0n)];
      const root = merkleRoot(txs.map((t) => sha256(t)));
      const many = assembleBlock(app, { txs, proposer: proposer.address }, root, new Uint8Array(32));
      expect((await rejection(app.processProposal(many))).code).toBe('BLOCK_TOO_MANY_TXS');
      const small = await openApp(memoryDb(), testGenesis([alice, bob, carol], BALANCE, { maxBlockBytes: 1024n }));
      const big = Array.from({ length: 8 }, (_, i) => pay(alice, bob.address, 1n, BigInt(i)));
      const large = assembleBlock(
        small,
        { txs: big, proposer: proposer.address },
        merkleRoot(big.map((t) => sha256(t))),
        new Uint8Array(32),
      );
      expect((await rejection(small.processProposal(large))).code).toBe('BLOCK_TOO_LARGE');
    });

    it('rejects a wrong height and a wrong chain id', async () => {
      const high = await withBlock((b) => {
        header(b).height = 2n;
        return b;
      });
      expect(high.code).toBe('BLOCK_BAD_HEIGHT');
      const chain = await withBlock((b) => {
        header(b).chainId = 'babychain-other-1';
        return b;
      });
      expect(chain.code).toBe('BLOCK_WRONG_CHAIN_ID');
    });

    it('rejects a time that does not increase', async () => {
      const same = await withBlock((b) => {
        header(b).timeMs = genesis.genesisTimeMs;
        return b;
      });
      expect(same.code).toBe('BLOCK_BAD_TIME');
      const back = await withBlock((b) => {
        header(b).timeMs = 1_500n; // block 1 was at 2 000
        return b;
      }, toSecondHeight);
      expect(back.code).toBe('BLOCK_BAD_TIME');
    });

    it('rejects bad links (BLK-8)', async () => {
      const firstWithParent = await withBlock((b) => {
        header(b).lastBlockHash = new Uint8Array(32);
        return b;
      });
      expect(firstWithParent.code).toBe('BLOCK_BAD_LINK');
      const firstWithCommit = await withBlock((b) => ({ ...b, lastCommit: fakeCommit(0n, new Uint8Array(32)) }));
      expect(firstWithCommit.code).toBe('BLOCK_BAD_LINK');
      const wrongParent = await withBlock((b) => {
        header(b).lastBlockHash = sha256(Uint8Array.of(1));
        return b;
      }, toSecondHeight);
      expect(wrongParent.code).toBe('BLOCK_BAD_LINK');
      const noCommit = await withBlock((b) => {
        delete b.lastCommit;
        return b;
      }, toSecondHeight);
      expect(noCommit.code).toBe('BLOCK_BAD_LINK');
      const wrongCommitHash = await withBlock((b) => {
        header(b).lastCommitHash = new Uint8Array(32);
        return b;
      }, toSecondHeight);
      expect(wrongCommitHash.code).toBe('BLOCK_BAD_LINK');
    });

    it('does not commit a rejected block', async () => {
      const app = await openApp();
      const block = await nextBlock(app, { txs: [pay(alice, bob.address, 1n, 0n)], proposer: proposer.address });
      header(block).appHash = new Uint8Array(32);
      await expect(app.finalizeBlock(block)).rejects.toThrow(BabyError);
      await expect(app.commit()).rejects.toThrow(/no finalized block/);
      expect(app.info().height).toBe(0n);
    });
  });
});
