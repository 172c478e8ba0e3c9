// Governance actions in the pool: admitted only when their state rules pass, checked again after every block, and
// every transaction that leaves other than in a block remembered with why (what a waiting wallet is told).
import type { TxBody } from '@babychain/codec';
import { BabyError, encode, txSignBytes } from '@babychain/codec';
import { sign } from '@babychain/crypto';
import { type CheckedTx, checkTxBytes } from '@babychain/state';
import { thrownCode } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import type { MempoolApp } from './app.ts';
import { applyBlock, CHAIN, idOf, key, MemoryView, makeTx, type TestKey } from './pool.testutil.ts';
import { Mempool } from './pool.ts';
import type { Account } from './types.ts';

const alice = key('alice');
const bob = key('bob');

function vote(from: TestKey, proposalId: bigint, nonce: bigint, fee = 10n): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN,
    signer: { key: { case: 'ed25519', value: from.publicKey } },
    nonce,
    fee,
    memo: '',
    action: { case: 'vote', value: { proposalId, option: 1 } },
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(from.seed, txSignBytes(body)) }],
  });
}

/** A model of governance's vote rule: the proposal must be open. The pool must hold only what it lets through. */
class OpenProposals implements MempoolApp {
  readonly open = new Set<bigint>();
  calls = 0;
  checkTxStateless(bytes: Uint8Array): CheckedTx {
    return checkTxBytes(bytes, CHAIN);
  }
  checkActionState(tx: CheckedTx, _account: Account): void {
    this.calls++;
    const action = tx.tx.body?.action;
    if (action?.case !== 'vote') throw new Error('the pool asked about a transfer');
    if (!this.open.has(action.value.proposalId)) {
      throw new BabyError('GOV_UNKNOWN_PROPOSAL', `no open proposal ${action.value.proposalId}`, { rule: 'GOV-5' });
    }
  }
}

function setup() {
  const view = new MemoryView(1n);
  for (const k of [alice, bob]) view.set(k.address, { balance: 1_000_000n });
  const gov = new OpenProposals();
  gov.open.add(1n);
  const pool = new Mempool({ chainId: CHAIN, view, app: gov });
  return { view, gov, pool };
}

describe('governance actions in the mempool', () => {
  it('refuses an action its rules refuse, holding nothing and leaving the nonce to the next transfer', () => {
    const { pool, gov } = setup();
    expect(thrownCode(() => pool.add(vote(alice, 99n, 0n)))).toBe('GOV_UNKNOWN_PROPOSAL');
    expect(pool.size).toBe(0);
    expect(pool.nextNonce(alice.address)).toBe(0n);
    expect(pool.add(makeTx(alice, { nonce: 0n })).status).toBe('pending');
    // transfers never reach governance's check
    expect(gov.calls).toBe(1);
  });

  it('admits an action its rules let through', () => {
    const { pool } = setup();
    expect(pool.add(vote(alice, 1n, 0n)).status).toBe('pending');
    expect(pool.dropped(idOf(vote(alice, 1n, 0n)))).toBeUndefined();
  });

  it('after a block, drops an action that can no longer execute and frees its sender', () => {
    const { pool, gov, view } = setup();
    const stranded = vote(alice, 1n, 0n);
    const behind = makeTx(alice, { nonce: 1n });
    pool.add(stranded);
    pool.add(behind);
    const kept = vote(bob, 2n, 0n);
    gov.open.add(2n);
    pool.add(kept);
    gov.open.delete(1n); // proposal 1's voting closed in the block just committed
    const result = pool.update([], view, { touched: [] });
    expect(result.removed.map((r) => [r.id, r.reason])).toEqual([[idOf(stranded), 'invalid']]);
    expect(result.counts.invalid).toBe(1);
    expect(pool.has(idOf(kept))).toBe(true);
    expect(pool.dropped(idOf(stranded))).toEqual({
      reason: 'invalid',
      code: 'GOV_UNKNOWN_PROPOSAL',
      message: 'no open proposal 1',
    });
    // the transfer behind it waits for its gap to close, and a new transaction with the freed nonce closes it
    expect(pool.stats()).toMatchObject({ pendingTxs: 1, queuedTxs: 1 });
    expect(pool.add(makeTx(alice, { nonce: 0n, memo: 'again' })).status).toBe('pending');
    expect(pool.reap().length).toBe(3);
  });

  it('says why each transaction left other than in a block, and forgets it once the same bytes are admitted again', () => {
    const view = new MemoryView(1n);
    view.set(alice.address, { balance: 1_000n });
    view.set(bob.address, { balance: 1_000_000n });
    const pool = new Mempool({ chainId: CHAIN, view, queuedTtlBlocks: 1 });
    const replaced = makeTx(alice, { nonce: 0n, fee: 10n });
    pool.add(replaced);
    const replacement = makeTx(alice, { nonce: 0n, fee: 20n });
    pool.add(replacement);
    const gapped = makeTx(bob, { nonce: 5n });
    pool.add(gapped);
    const stale = makeTx(bob, { nonce: 0n, memo: 'mine' });
    pool.add(stale);
    // another transaction with bob's nonce 0 was committed (sent through another node)
    const block = applyBlock(view, [makeTx(bob, { nonce: 0n, memo: 'theirs' })]);
    pool.update(block.ids, view, { touched: block.touched });
    expect(pool.dropped(idOf(replaced))).toMatchObject({ reason: 'replaced', code: 'MEMPOOL_REPLACED' });
    expect(pool.dropped(idOf(replaced))?.message).toContain(idOf(replacement));
    expect(pool.dropped(idOf(stale))).toMatchObject({ reason: 'stale_nonce', code: 'TX_BAD_NONCE' });
    expect(pool.dropped(idOf(gapped))).toMatchObject({ reason: 'expired', code: 'MEMPOOL_EXPIRED' });
    expect(pool.dropped(idOf(replacement))).toBeUndefined();
    pool.add(gapped);
    expect(pool.dropped(idOf(gapped))).toBeUndefined();
  });
});
