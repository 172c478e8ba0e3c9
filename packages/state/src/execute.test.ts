import { readFileSync } from 'node:fs';
import type { Account, Params } from '@babychain/codec';
import { BabyError, fromHex, toHex } from '@babychain/codec';
import { decodeAddress, encodeAddress } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { memoryDb, signedTransfer, TEST_CHAIN, testKey } from './app.testutil.ts';
import type { AccountMap } from './execute.ts';
import { executeBlock, executeBlockTxs, executeCandidates, precheckTxs } from './execute.ts';
import { genesisFromJson } from './genesis.ts';
import { accountKey, EMPTY_HASH, referenceRoot, StateTree, valueHash } from './tree/index.ts';

const [alice, bob, carol, proposer] = [testKey(0), testKey(1), testKey(2), testKey(3)] as const;
const PARAMS: Params = { minFee: 10n, maxBlockBytes: 1_048_576n, maxBlockTxs: 100 };
const ctx = { chainId: TEST_CHAIN, params: PARAMS, minFee: 10n, proposer: proposer.address };

const pay = (from: typeof alice, to: Uint8Array, amount: bigint, nonce: bigint, fee = 10n) =>
  signedTransfer({ from, to, amount, fee, nonce, chainId: TEST_CHAIN });

function state(entries: [Uint8Array, Account][]): Map<string, Account> {
  return new Map(entries.map(([a, acct]) => [toHex(a), acct]));
}

function failure(fn: () => unknown): BabyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BabyError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('executeBlock', () => {
  it('moves amount + fee, bumps the nonce, creates the recipient and pays fees to the proposer', () => {
    const base = state([[alice.address, { balance: 1000n, nonce: 0n }]]);
    const ex = executeBlockTxs([pay(alice, bob.address, 100n, 0n), pay(alice, carol.address, 5n, 1n, 20n)], base, ctx);
    expect(ex.fees).toBe(30n);
    expect(ex.changes.get(toHex(alice.address))).toEqual({ balance: 1000n - 100n - 10n - 5n - 20n, nonce: 2n });
    expect(ex.changes.get(toHex(bob.address))).toEqual({ balance: 100n, nonce: 0n });
    expect(ex.changes.get(toHex(carol.address))).toEqual({ balance: 5n, nonce: 0n });
    expect(ex.changes.get(toHex(proposer.address))).toEqual({ balance: 30n, nonce: 0n });
    expect(ex.results.map((r) => [r.index, r.nonce, r.fee])).toEqual([
      [0, 0n, 10n],
      [1, 1n, 20n],
    ]);
    expect(base.get(toHex(alice.address))).toEqual({ balance: 1000n, nonce: 0n }); // the input is not touched
  });

  it('credits nothing to the proposer of a block without fees', () => {
    const ex = executeBlockTxs([], state([]), ctx);
    expect(ex.changes.size).toBe(0);
    const zeroFee = executeBlockTxs(
      [pay(alice, bob.address, 1n, 0n, 0n)],
      state([[alice.address, { balance: 1n, nonce: 0n }]]),
      { ...ctx, minFee: 0n },
    );
    expect(zeroFee.changes.has(toHex(proposer.address))).toBe(false);
  });

  it('spends an exact balance to zero and keeps the account', () => {
    const ex = executeBlockTxs(
      [pay(alice, bob.address, 90n, 0n)],
      state([[alice.address, { balance: 100n, nonce: 0n }]]),
      ctx,
    );
    expect(ex.changes.get(toHex(alice.address))).toEqual({ balance: 0n, nonce: 1n });
  });

  it('fails the block with the first failing transaction and its index', () => {
    const base = state([[alice.address, { balance: 1000n, nonce: 0n }]]);
    const replay = failure(() =>
      executeBlockTxs([pay(alice, bob.address, 1n, 0n), pay(alice, bob.address, 2n, 0n)], base, ctx),
    );
    expect(replay.code).toBe('TX_BAD_NONCE');
    expect(replay.meta).toMatchObject({ txIndex: 1, expected: 1n, got: 0n, rule: 'STATE-3' });
    const gap = failure(() => executeBlockTxs([pay(alice, bob.address, 1n, 1n)], base, ctx));
    expect(gap.meta).toMatchObject({ txIndex: 0, expected: 0n, got: 1n });
    const short = failure(() => executeBlockTxs([pay(alice, bob.address, 991n, 0n)], base, ctx));
    expect(short.code).toBe('TX_INSUFFICIENT_FUNDS');
    expect(short.meta).toMatchObject({ txIndex: 0, balance: 1000n, needed: 1001n });
    const cheap = failure(() => executeBlockTxs([pay(alice, bob.address, 1n, 0n, 9n)], base, ctx));
    expect(cheap.code).toBe('TX_FEE_TOO_LOW');
    // A stateless failure at index 1 comes after a stateful one at index 0: order decides.
    const bytes = pay(alice, bob.address, 1n, 0n);
    const bad = bytes.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    const first = failure(() => executeBlockTxs([pay(alice, bob.address, 1n, 5n), bad], base, ctx));
    expect(first.code).toBe('TX_BAD_NONCE');
    const sig = failure(() => executeBlockTxs([bytes, bad], base, ctx));
    expect(sig.code).toBe('TX_BAD_SIGNATURE');
    expect(sig.meta).toMatchObject({ txIndex: 1 });
  });

  it('checks the recipient balance for overflow (TX_AMOUNT_OVERFLOW)', () => {
    const max = (1n << 64n) - 1n;
    const base = state([
      [alice.address, { balance: 100n, nonce: 0n }],
      [bob.address, { balance: max - 5n, nonce: 0n }],
    ]);
    const err = failure(() => executeBlockTxs([pay(alice, bob.address, 6n, 0n)], base, ctx));
    expect(err.code).toBe('TX_AMOUNT_OVERFLOW');
  });

  it('checks the block limits before the transactions', () => {
    const txs = [pay(alice, bob.address, 1n, 0n), pay(alice, bob.address, 1n, 1n)];
    const base = state([[alice.address, { balance: 1000n, nonce: 0n }]]);
    expect(failure(() => executeBlockTxs(txs, base, { ...ctx, params: { ...PARAMS, maxBlockTxs: 1 } })).code).toBe(
      'BLOCK_TOO_MANY_TXS',
    );
    const size = (txs[0] as Uint8Array).length + (txs[1] as Uint8Array).length;
    const tight = { ...ctx, params: { ...PARAMS, maxBlockBytes: BigInt(size - 1) } };
    expect(failure(() => executeBlockTxs(txs, base, tight)).code).toBe('BLOCK_TOO_LARGE');
    expect(() =>
      executeBlockTxs(txs, base, { ...ctx, params: { ...PARAMS, maxBlockBytes: BigInt(size) } }),
    ).not.toThrow();
    expect(failure(() => executeBlockTxs([txs[0] as Uint8Array, txs[0] as Uint8Array], base, ctx)).code).toBe(
      'BLOCK_DUPLICATE_TX',
    );
  });
});

describe('executeCandidates', () => {
  it('leaves out failing candidates and stops at the limits', () => {
    const base = state([[alice.address, { balance: 1000n, nonce: 0n }]]);
    const txs = [
      pay(alice, bob.address, 1n, 0n),
      pay(alice, bob.address, 2n, 0n), // replay of nonce 0
      pay(bob, carol.address, 1n, 0n), // bob has nothing yet... he has 1 after tx 0, not 11
      pay(alice, bob.address, 3n, 1n),
      pay(alice, bob.address, 4n, 2n),
    ];
    const prechecked = precheckTxs(txs, TEST_CHAIN);
    const all = executeCandidates(prechecked, base, ctx, { maxTxs: 10, maxBytes: 1_000_000 });
    expect(all.results.map((r) => r.index)).toEqual([0, 3, 4]);
    expect(all.skipped.map((s) => [s.index, (s.error as BabyError).code])).toEqual([
      [1, 'TX_BAD_NONCE'],
      [2, 'TX_INSUFFICIENT_FUNDS'],
    ]);
    const two = executeCandidates(prechecked, base, ctx, { maxTxs: 2, maxBytes: 1_000_000 });
    expect(two.results.map((r) => r.index)).toEqual([0, 3]);
    const bytes = (txs[0] as Uint8Array).length;
    const small = executeCandidates(prechecked, base, ctx, { maxTxs: 10, maxBytes: bytes * 2 - 1 });
    expect(small.results.map((r) => r.index)).toEqual([0]);
    // Same outcome as executing the chosen transactions as a block.
    const chosen = all.results.map((r) => prechecked[r.index] as (typeof prechecked)[0]);
    expect(executeBlock(chosen, base, ctx).changes).toEqual(all.changes);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// test-vectors/state: the language-neutral cases, through the pure core and the real tree.
// ---------------------------------------------------------------------------------------------------------------

interface StateCase {
  id: string;
  input: { genesis: unknown; blocks: { proposer: string; txs: string[] }[] };
  expected: {
    ok: boolean;
    error?: string;
    appHash?: string;
    accounts?: { address: string; balance: string; nonce: string }[];
  };
}

const file = JSON.parse(
  readFileSync(new URL('../../../test-vectors/state/state-v0.json', import.meta.url), 'utf8'),
) as { cases: StateCase[] };

async function runCase(c: StateCase): Promise<{ appHash: string; accounts: unknown[] }> {
  const genesis = genesisFromJson(c.input.genesis);
  const params = genesis.params as Params;
  const accounts = new Map<string, Account>();
  for (const a of genesis.accounts) accounts.set(toHex(a.address), { balance: a.balance, nonce: 0n });
  const db = memoryDb();
  await db.open();
  const tree = await StateTree.open(db, EMPTY_HASH);
  const changes = (m: AccountMap) =>
    new Map([...m].map(([hex, a]) => [toHex(accountKey(fromHex(hex))), valueHash(a)] as const));
  const apply = async (m: AccountMap) => {
    const update = await tree.computeUpdate(changes(m));
    await db.batch([...update.writes], {});
    tree.commit(update);
  };
  await apply(accounts);
  for (const block of c.input.blocks) {
    const ex = executeBlockTxs(block.txs.map(fromHex), accounts, {
      chainId: genesis.chainId,
      params,
      minFee: params.minFee,
      proposer: decodeAddress(block.proposer, genesis.addressPrefix),
    });
    for (const [k, v] of ex.changes) accounts.set(k, v);
    await apply(ex.changes);
  }
  const root = referenceRoot([...accounts].map(([hex, a]) => [accountKey(fromHex(hex)), valueHash(a)] as const));
  expect(tree.root).toEqual(root);
  await db.close();
  return {
    appHash: toHex(root),
    accounts: [...accounts]
      .map(([hex, a]) => ({
        address: encodeAddress(fromHex(hex), genesis.addressPrefix),
        balance: a.balance.toString(),
        nonce: a.nonce.toString(),
      }))
      .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0)),
  };
}

describe('test-vectors/state/state-v0.json', () => {
  it.each(file.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    if (c.expected.ok) {
      const out = await runCase(c);
      expect(out.appHash).toBe(c.expected.appHash);
      expect(out.accounts).toEqual(c.expected.accounts);
    } else {
      const err = await runCase(c).then(
        () => new Error('accepted'),
        (e: unknown) => e,
      );
      expect(err instanceof BabyError ? err.code : String(err)).toBe(c.expected.error);
    }
  });
});
