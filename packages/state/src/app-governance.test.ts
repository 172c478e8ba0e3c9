import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block, Tx } from '@babychain/codec';
import { BabyError, bytesEqual, evidenceHash, merkleRoot, sha256, toHex } from '@babychain/codec';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestKey } from './app.testutil.ts';
import {
  assembleBlock,
  commitBlock,
  memoryDb,
  nextBlock,
  signedTransfer,
  TEST_CHAIN,
  testGenesis,
  testKey,
} from './app.testutil.ts';
import { App } from './app.ts';
import type { AppOptions } from './app-types.ts';
import { executeBlockTxs } from './execute.ts';
import { genesisParams } from './genesis.ts';
import type { ToyOptions } from './governance.testutil.ts';
import {
  decodeToyRecord,
  proposal,
  ready,
  signedAction,
  TOY_RECORD_KEY,
  ToyGovernance,
  vote,
} from './governance.testutil.ts';
import type { KvDb } from './store.ts';
import { accountKey, referenceRoot, valueHash } from './tree/index.ts';

const [alice, bob, carol, dave, proposer] = [0, 1, 2, 3, 4].map((n) => testKey(n)) as [
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
];
const BALANCE = 10_000n;
const FEE = 10n;
const genesis = testGenesis([alice, bob, carol], BALANCE);

const pay = (from: TestKey, to: Uint8Array, amount: bigint, nonce: bigint, fee = FEE) =>
  signedTransfer({ from, to, amount, fee, nonce, chainId: TEST_CHAIN });
const act = (from: TestKey, action: NonNullable<NonNullable<Tx['body']>['action']>, nonce: bigint, fee = FEE) =>
  signedAction({ from, action, nonce, fee, chainId: TEST_CHAIN });

const toy = (options: Partial<ToyOptions> = {}) => new ToyGovernance({ genesis, ...options });

const opened: App[] = [];
async function openApp(
  db: string | KvDb = memoryDb(),
  extra: Partial<Pick<AppOptions, 'governance'>> = { governance: toy() },
): Promise<App> {
  const app = await App.open({ db, genesis, ...extra });
  opened.push(app);
  return app;
}
const plainApp = (db: string | KvDb = memoryDb()) => openApp(db, {});

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

async function accountOf(app: App, key: { address: Uint8Array }) {
  return (await app.account(key.address)).account;
}

/** STATE-10 by the letter over the stored accounts, plus the governance leaf when there is a record (GOV-3). */
async function literalRoot(app: App, withRecord = true): Promise<Uint8Array> {
  const leaves: (readonly [Uint8Array, Uint8Array])[] = [];
  for await (const [address, account] of app.allAccounts()) leaves.push([accountKey(address), valueHash(account)]);
  const record = app.governanceRecord();
  if (withRecord && record.length > 0) leaves.push([TOY_RECORD_KEY, sha256(record)]);
  return referenceRoot(leaves);
}

/** processProposal + finalizeBlock + commit, returning what each said. */
async function run(app: App, block: Block) {
  await app.processProposal(block);
  const result = await app.finalizeBlock(block);
  const committed = await app.commit();
  return { result, committed };
}

describe('App without a governance', () => {
  it('refuses every action but a transfer with TX_UNSUPPORTED_ACTION, wherever it meets one', async () => {
    const app = await plainApp();
    const gov = act(alice, proposal(500n), 0n);
    expect((await rejection(app.checkTx(gov))).code).toBe('TX_UNSUPPORTED_ACTION');
    expect(() => app.checkTxStateless(gov)).toThrow(expect.objectContaining({ code: 'TX_UNSUPPORTED_ACTION' }));
    const transfer = pay(bob, carol.address, 5n, 0n);
    const prepared = await app.prepareProposal({
      height: 1n,
      timeMs: 2_000n,
      proposerAddress: proposer.address,
      candidates: [gov, transfer],
    });
    expect(prepared.txs).toEqual([transfer]);
    expect(prepared.skipped).toEqual([expect.objectContaining({ index: 0, code: 'TX_UNSUPPORTED_ACTION' })]);
    const block = assembleBlock(
      app,
      { txs: [transfer, gov], proposer: proposer.address },
      merkleRoot([sha256(transfer), sha256(gov)]),
      prepared.appHash,
    );
    const err = await rejection(app.processProposal(block));
    expect(err.code).toBe('TX_UNSUPPORTED_ACTION');
    expect(err.meta).toMatchObject({ txIndex: 1 });
    // The vector runner's path, no App at all.
    const accounts = new Map([[toHex(alice.address), { balance: BALANCE, nonce: 0n }]]);
    const params = genesisParams(genesis);
    expect(() =>
      executeBlockTxs([gov], accounts, { chainId: TEST_CHAIN, params, minFee: FEE, proposer: proposer.address }),
    ).toThrow(
      expect.objectContaining({ code: 'TX_UNSUPPORTED_ACTION', meta: expect.objectContaining({ txIndex: 0 }) }),
    );
  });

  it('accepts only header version 0 (BLK-3) and has no record', async () => {
    const app = await plainApp();
    expect(app.headerVersion(1n)).toBe(0);
    expect(app.governanceRecord()).toEqual(new Uint8Array(0));
    const block = await nextBlock(app, { txs: [], proposer: proposer.address });
    const bad = { ...block, header: { ...(block.header as NonNullable<Block['header']>), version: 1 } };
    const err = await rejection(app.processProposal(bad));
    expect(err.code).toBe('BLOCK_BAD_VERSION');
    expect(err.meta).toMatchObject({ rule: 'BLK-3', expected: 0, got: 1 });
  });
});

describe('App with a governance', () => {
  it('computes the same state roots as without one while no governance transaction ran', async () => {
    const plain = await plainApp();
    const governed = await openApp();
    const blocks = [
      [pay(alice, bob.address, 100n, 0n), pay(bob, carol.address, 7n, 0n)],
      [],
      [pay(carol, dave.address, 1n, 0n, 25n)],
    ];
    for (const txs of blocks) {
      const block = await nextBlock(governed, { txs, proposer: proposer.address });
      const a = await run(governed, block);
      const b = await run(plain, block); // the plain app accepts the governed app's app hash (BLK-7)
      expect(toHex(a.committed.appHash)).toBe(toHex(b.committed.appHash));
    }
    expect(governed.governanceRecord()).toEqual(new Uint8Array(0));
    expect(toHex(governed.info().appHash)).toBe(toHex(await literalRoot(plain)));
  });

  it('executes a proposal with its fee and nonce, holds the deposit and commits the record as a leaf', async () => {
    const app = await openApp();
    const tx = act(alice, proposal(500n), 0n);
    const block = await nextBlock(app, { txs: [tx, pay(bob, carol.address, 5n, 0n)], proposer: proposer.address });
    const { result, committed } = await run(app, block);
    expect(result.txResults[0]).toMatchObject({ sender: alice.address, recipient: alice.address, amount: 500n });
    expect(result.fees).toBe(2n * FEE);
    const afterAlice = { balance: BALANCE - FEE - 500n, nonce: 1n };
    expect(await accountOf(app, alice)).toEqual(afterAlice);
    expect(committed.changes.get(toHex(alice.address))).toEqual(afterAlice);
    expect((await accountOf(app, proposer))?.balance).toBe(2n * FEE);
    const record = decodeToyRecord(app.governanceRecord());
    expect(record.proposals).toEqual([expect.objectContaining({ id: 1, deposit: '500', endHeight: '3' })]);
    // GOV-3: the record is one leaf, SHA-256(record) its value hash; so the root moved beyond the accounts'.
    expect(toHex(committed.appHash)).toBe(toHex(await literalRoot(app)));
    expect(toHex(committed.appHash)).not.toBe(toHex(await literalRoot(app, false)));
    // The sender's history shows it once, as sent.
    expect(await app.accountHistory(alice.address)).toEqual([expect.objectContaining({ index: 0, direction: 'sent' })]);

    // Votes change the record and so the root; at the end height the deposit comes back, in the commit's changes.
    const h2 = await run(app, await nextBlock(app, { txs: [act(bob, vote(1n), 1n)], proposer: proposer.address }));
    expect(decodeToyRecord(app.governanceRecord()).votes).toBe(1);
    expect(toHex(h2.committed.appHash)).toBe(toHex(await literalRoot(app)));
    const h3 = await run(app, await nextBlock(app, { txs: [], proposer: proposer.address }));
    expect(h3.committed.changes.get(toHex(alice.address))).toEqual({ balance: BALANCE - FEE, nonce: 1n });
    expect(decodeToyRecord(app.governanceRecord()).proposals).toEqual([]);
    expect(toHex(h3.committed.appHash)).toBe(toHex(await literalRoot(app)));
  });

  it('checks a governance transaction before admission: its rules, the fee and the deposit (APP-1)', async () => {
    const app = await openApp();
    const res = await app.checkTx(act(carol, proposal(300n), 0n));
    expect(res).toMatchObject({ sender: carol.address, recipient: carol.address, amount: 300n, fee: FEE, nonce: 0n });
    expect((await app.checkTx(act(carol, ready(), 0n))).amount).toBe(0n);
    const code = async (tx: Uint8Array) => (await rejection(app.checkTx(tx))).code;
    expect(await code(act(carol, proposal(BALANCE - FEE + 1n), 0n))).toBe('TX_INSUFFICIENT_FUNDS');
    expect(await code(act(dave, vote(1n), 0n))).toBe('TX_INSUFFICIENT_FUNDS');
    expect(await code(act(carol, proposal(300n, ''), 0n))).toBe('GOV_BAD_PROPOSAL');
    expect(await code(act(carol, vote(1n, 0), 0n))).toBe('GOV_BAD_OPTION');
    expect(await code(act(carol, ready(), 0n, FEE - 1n))).toBe('TX_FEE_TOO_LOW');
    const attest = {
      case: 'attestRelease' as const,
      value: { planName: 'x', platform: 'p', sha256: new Uint8Array(32) },
    };
    expect(await code(act(carol, attest, 0n))).toBe('TX_UNSUPPORTED_ACTION');
  });

  it('leaves a failing governance action out of a proposal, with its sender untouched', async () => {
    const app = await openApp();
    const candidates = [
      act(alice, vote(7n), 0n), // no such proposal
      act(bob, proposal(500n, 'explode'), 0n), // takes the deposit, then throws
      pay(carol, alice.address, 5n, 0n),
      act(dave, ready(), 0n), // cannot pay the fee
    ];
    const prepared = await app.prepareProposal({
      height: 1n,
      timeMs: 2_000n,
      proposerAddress: proposer.address,
      candidates,
    });
    expect(prepared.txs).toEqual([candidates[2]]);
    expect(prepared.skipped.map((s) => [s.index, s.code])).toEqual([
      [0, 'GOV_UNKNOWN_PROPOSAL'],
      [1, 'TOY_EXPLODED'],
      [3, 'TX_INSUFFICIENT_FUNDS'],
    ]);
    const block = assembleBlock(
      app,
      { txs: prepared.txs, proposer: proposer.address, timeMs: 2_000n },
      prepared.txRoot,
      prepared.appHash,
    );
    const { committed } = await run(app, block);
    expect(await accountOf(app, alice)).toEqual({ balance: BALANCE + 5n, nonce: 0n });
    expect(await accountOf(app, bob)).toEqual({ balance: BALANCE, nonce: 0n });
    expect(committed.changes.has(toHex(bob.address))).toBe(false);
    expect(app.governanceRecord()).toEqual(new Uint8Array(0));
  });

  it('rejects a block holding a failing governance action, naming its index', async () => {
    const app = await openApp();
    const cases: [Uint8Array[], string, number][] = [
      [[act(alice, vote(7n), 0n)], 'GOV_UNKNOWN_PROPOSAL', 0],
      [[pay(carol, alice.address, 5n, 0n), act(bob, proposal(500n, 'explode'), 0n)], 'TOY_EXPLODED', 1],
      [[act(alice, proposal(5n), 0n)], 'GOV_DEPOSIT_TOO_LOW', 0],
      [[act(alice, ready(), 1n)], 'TX_BAD_NONCE', 0],
      [[act(dave, ready(), 0n)], 'TX_INSUFFICIENT_FUNDS', 0],
    ];
    for (const [txs, code, txIndex] of cases) {
      const block = assembleBlock(
        app,
        { txs, proposer: proposer.address },
        merkleRoot(txs.map((t) => sha256(t))),
        new Uint8Array(32),
      );
      const err = await rejection(app.processProposal(block));
      expect([err.code, err.meta['txIndex']]).toEqual([code, txIndex]);
    }
    await expect(app.commit()).rejects.toThrow(/no finalized block/);
    expect(app.info().height).toBe(0n);
  });

  it('puts the params of the record in force, and keeps record, params and root across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'babychain-state-gov-'));
    try {
      const app = await App.open({ db: dir, genesis, governance: toy() });
      await commitBlock(app, { txs: [act(alice, proposal(500n, 'minFee=50'), 0n)], proposer: proposer.address });
      expect(app.params.minFee).toBe(FEE);
      await commitBlock(app, { txs: [], proposer: proposer.address });
      await commitBlock(app, { txs: [], proposer: proposer.address }); // the end height: passes
      expect(app.params.minFee).toBe(50n);
      expect((await rejection(app.checkTx(pay(bob, carol.address, 1n, 0n, 49n)))).code).toBe('TX_FEE_TOO_LOW');
      const prepared = await app.prepareProposal({
        height: 4n,
        timeMs: 5_000n,
        proposerAddress: proposer.address,
        candidates: [pay(bob, carol.address, 1n, 0n, 49n)],
      });
      expect(prepared.skipped.map((s) => s.code)).toEqual(['TX_FEE_TOO_LOW']);
      const before = { info: app.info(), record: app.governanceRecord() };
      await app.close();

      const again = await openApp(dir, { governance: toy() });
      expect(again.info()).toEqual(before.info);
      expect(again.governanceRecord()).toEqual(before.record);
      expect(again.params.minFee).toBe(50n);
      await commitBlock(again, { txs: [pay(bob, carol.address, 1n, 0n, 50n)], proposer: proposer.address });
      const committed = { info: again.info(), record: again.governanceRecord() };
      await again.close();

      // Without its governance a store with a record opens for queries but executes nothing.
      const blind = await plainApp(dir);
      expect(blind.governanceRecord()).toEqual(committed.record);
      await expect(nextBlock(blind, { txs: [], proposer: proposer.address })).rejects.toThrow(/governance record/);
      await blind.close();

      // A stored record the root does not commit to is refused (APP-5).
      const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.put(Uint8Array.of(0x07, ...new TextEncoder().encode('record')), new TextEncoder().encode('{}'));
      await db.close();
      const err = await rejection(App.open({ db: dir, genesis, governance: toy() }));
      expect(err.code).toBe('STATE_CORRUPT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the header version against the record and runs a due migration before the transactions', async () => {
    const app = await openApp(memoryDb(), { governance: toy({ upgradeAt: 2n }) });
    expect([app.headerVersion(1n), app.headerVersion(2n)]).toEqual([0, 1]);
    const v1 = await nextBlock(app, { txs: [], proposer: proposer.address, header: { version: 1 } });
    expect((await rejection(app.processProposal(v1))).code).toBe('BLOCK_BAD_VERSION');
    await commitBlock(app, { txs: [], proposer: proposer.address });
    const v0 = await nextBlock(app, { txs: [], proposer: proposer.address, header: { version: 0 } });
    const err = await rejection(app.processProposal(v0));
    expect(err.code).toBe('BLOCK_BAD_VERSION');
    expect(err.meta).toMatchObject({ rule: 'BLK-3', expected: 1, got: 0 });
    await commitBlock(app, { txs: [], proposer: proposer.address });
    expect(decodeToyRecord(app.governanceRecord()).appVersion).toBe(1);
    expect(toHex(app.info().appHash)).toBe(toHex(await literalRoot(app)));
  });

  it('lets UPG_NEEDED through from every call at a height it has no handler for, and commits nothing', async () => {
    const app = await openApp(memoryDb(), { governance: toy({ upgradeAt: 2n, handler: false }) });
    await commitBlock(app, { txs: [pay(alice, bob.address, 1n, 0n)], proposer: proposer.address });
    const info = app.info();
    const upgNeeded = expect.objectContaining({ code: 'UPG_NEEDED', meta: expect.objectContaining({ height: 2n }) });
    await expect(
      app.prepareProposal({ height: 2n, timeMs: 3_000n, proposerAddress: proposer.address, candidates: [] }),
    ).rejects.toEqual(upgNeeded);
    const block = assembleBlock(app, { txs: [], proposer: proposer.address }, merkleRoot([]), info.appHash);
    await expect(app.processProposal(block)).rejects.toEqual(upgNeeded);
    await expect(app.finalizeBlock(block)).rejects.toEqual(upgNeeded);
    await expect(app.commit()).rejects.toThrow(/no finalized block/);
    expect(app.info()).toEqual(info);
    expect(app.governanceRecord()).toEqual(new Uint8Array(0));
  });

  it('refuses a governance that changes an account it did not announce in blockTouches', async () => {
    const app = await openApp(memoryDb(), { governance: toy({ forgetTouches: true }) });
    await commitBlock(app, { txs: [act(alice, proposal(500n), 0n)], proposer: proposer.address });
    await commitBlock(app, { txs: [], proposer: proposer.address });
    // Height 3 refunds alice, who sends nothing in it: only blockTouches could have had her read.
    await expect(nextBlock(app, { txs: [], proposer: proposer.address })).rejects.toThrow(/did not prefetch/);
    const withAlice = await nextBlock(app, { txs: [pay(alice, bob.address, 1n, 1n)], proposer: proposer.address });
    expect(bytesEqual((withAlice.header as NonNullable<Block['header']>).appHash, app.info().appHash)).toBe(false);
  });
});

describe('evidence in a block (BLK-11, VAL-9)', () => {
  const piece = (n: number) => {
    const vote = { type: 1, height: 1n, round: n, timeMs: 1n, validatorIndex: 0, signature: new Uint8Array(64) };
    return { voteA: { ...vote, blockHash: new Uint8Array(0) }, voteB: { ...vote, blockHash: sha256() } };
  };
  const offence = { publicKey: new Uint8Array(32).fill(1), height: 1n };
  async function withEvidence(app: App, count: number, hashed = true): Promise<Block> {
    const evidence = Array.from({ length: count }, (_, n) => piece(n));
    const header = { evidenceHash: hashed ? evidenceHash(evidence) : new Uint8Array(0) };
    const block = assembleBlock(app, { txs: [], proposer: proposer.address, header }, merkleRoot([]), sha256());
    return { ...block, evidence };
  }

  it('refuses evidence its header does not commit to, and more than 8 pieces, before executing anything', async () => {
    const app = await openApp();
    await commitBlock(app, { txs: [], proposer: proposer.address });
    const unhashed = await rejection(app.processProposal(await withEvidence(app, 1, false), [offence]));
    expect(unhashed.code).toBe('BLOCK_BAD_EVIDENCE_HASH');
    const nine = await rejection(app.processProposal(await withEvidence(app, 9), Array(9).fill(offence)));
    expect(nine.meta).toMatchObject({ rule: 'BLK-11', count: 9, max: 8 });
    // committed to and within the limit: the offences reach governance, which here executes none (VAL-9)
    const one = await rejection(app.processProposal(await withEvidence(app, 1), [offence]));
    expect(one.code).toBe('VAL_NOT_IN_FORCE');
  });

  it('takes no evidence at all without a governance, and keeps none a governance does not admit (APP-2)', async () => {
    const plain = await plainApp();
    expect((await rejection(plain.processProposal(await withEvidence(plain, 1), [offence]))).meta).toMatchObject({
      max: 0,
    });
    const app = await openApp();
    const request = { height: 1n, timeMs: 1_500n, proposerAddress: proposer.address, candidates: [] };
    const prepared = await app.prepareProposal({ ...request, evidence: [{ evidence: piece(0), offence }] });
    expect(prepared.evidence).toEqual([]);
  });
});
