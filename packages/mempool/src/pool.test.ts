// The Mempool (docs/architecture.md): admission, nonce order, reaping, replace-by-fee, limits and eviction, peers.
import { sha256, toHex } from '@babychain/codec';
import { checkTxBytes } from '@babychain/state';
import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import {
  alice,
  applyBlock,
  bob,
  CHAIN,
  carol,
  dave,
  idOf,
  ids,
  key,
  MemoryView,
  makeTx,
  rejection,
  setup,
  type TestKey,
} from './pool.testutil.ts';
import { Mempool } from './pool.ts';

describe('Mempool', () => {
  describe('snapshot', () => {
    it('lists every held transaction, pending and queued, so a restarted pool admits them all again', () => {
      const { pool, view } = setup();
      const held = [makeTx(alice, { nonce: 1n }), makeTx(alice), makeTx(bob), makeTx(carol, { nonce: 3n })];
      for (const tx of held) pool.add(tx);
      const snapshot = pool.snapshot();
      expect(new Set(ids(snapshot))).toEqual(new Set(ids(held)));
      const aliceTxs = ids(snapshot).filter(
        (id) => id === idOf(held[0] as Uint8Array) || id === idOf(held[1] as Uint8Array),
      );
      expect(aliceTxs).toEqual([idOf(held[1] as Uint8Array), idOf(held[0] as Uint8Array)]);
      const restarted = new Mempool({ chainId: CHAIN, view });
      for (const tx of snapshot) restarted.add(tx);
      expect(restarted.size).toBe(held.length);
      const counts = (p: Mempool) => ({ pending: p.stats().pendingTxs, queued: p.stats().queuedTxs });
      expect(counts(restarted)).toEqual({ pending: 3, queued: 1 });
      expect(counts(restarted)).toEqual(counts(pool));
    });
  });

  describe('admission', () => {
    it('admits a valid transfer as pending and returns its id', () => {
      const { pool } = setup();
      const tx = makeTx(alice);
      const result = pool.add(tx);
      expect(result.status).toBe('pending');
      expect(result.id).toEqual(sha256(tx));
      expect(result.idHex).toBe(idOf(tx));
      expect(pool.has(result.id)).toBe(true);
      expect(pool.get(result.idHex)).toEqual(tx);
      expect(pool.reap()).toEqual([tx]);
    });

    it('rejects a transaction that breaks a stateless rule with that rule’s code', () => {
      const { pool } = setup();
      expect(rejection(() => pool.add(makeTx(alice, { chainId: 'other-chain' }))).code).toBe('TX_WRONG_CHAIN_ID');
      const forged = makeTx(alice);
      forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
      expect(rejection(() => pool.add(forged)).code).toBe('TX_BAD_SIGNATURE');
      expect(rejection(() => pool.add(new Uint8Array(20_000))).code).toBe('TX_TOO_LARGE');
      expect(pool.size).toBe(0);
    });

    it('refuses a fee under the minimum fee', () => {
      const { pool } = setup({}, 5n);
      const err = rejection(() => pool.add(makeTx(alice, { fee: 4n })));
      expect(err.code).toBe('TX_FEE_TOO_LOW');
      expect(err.meta).toMatchObject({ fee: 4n, minFee: 5n });
      expect(pool.add(makeTx(alice, { fee: 5n })).status).toBe('pending');
    });

    it('rejects a replayed nonce with the expected and the given nonce', () => {
      const { pool, view } = setup();
      view.set(alice.address, { nonce: 3n });
      const err = rejection(() => pool.add(makeTx(alice, { nonce: 2n })));
      expect(err.code).toBe('TX_BAD_NONCE');
      expect(err.meta).toMatchObject({ expected: 3n, got: 2n });
    });

    it('refuses a nonce more than maxNonceGap ahead of the committed one', () => {
      const { pool, view } = setup({ maxNonceGap: 4 });
      view.set(alice.address, { nonce: 10n });
      expect(rejection(() => pool.add(makeTx(alice, { nonce: 15n }))).code).toBe('MEMPOOL_NONCE_TOO_FAR');
      expect(pool.add(makeTx(alice, { nonce: 14n })).status).toBe('queued');
    });

    it('refuses a transfer the balance cannot cover after the sender’s lower nonces', () => {
      const { pool, view } = setup();
      view.set(alice.address, { balance: 300n });
      pool.add(makeTx(alice, { nonce: 0n, amount: 90n, fee: 10n }));
      pool.add(makeTx(alice, { nonce: 1n, amount: 90n, fee: 10n }));
      const err = rejection(() => pool.add(makeTx(alice, { nonce: 2n, amount: 91n, fee: 10n })));
      expect(err.code).toBe('TX_INSUFFICIENT_FUNDS');
      expect(err.meta).toMatchObject({ balance: 300n, needed: 301n });
      expect(pool.add(makeTx(alice, { nonce: 2n, amount: 90n, fee: 10n })).status).toBe('pending');
    });

    it('refuses a transaction it already holds', () => {
      const { pool } = setup();
      const tx = makeTx(alice);
      pool.add(tx);
      expect(rejection(() => pool.add(tx)).code).toBe('MEMPOOL_DUPLICATE');
      expect(pool.size).toBe(1);
    });

    it('refuses a committed or known-invalid transaction again without re-verifying it', () => {
      const view = new MemoryView();
      view.set(alice.address, { balance: 1000n });
      let verified = 0;
      const pool = new Mempool({
        chainId: CHAIN,
        view,
        app: {
          checkTxStateless: (bytes) => {
            verified++;
            return checkTxBytes(bytes, CHAIN);
          },
        },
      });
      const tx = makeTx(alice);
      pool.add(tx);
      pool.update(applyBlock(view, pool.reap()).ids, view);
      const bad = makeTx(alice, { nonce: 1n, chainId: 'other-chain' });
      expect(rejection(() => pool.add(bad)).code).toBe('TX_WRONG_CHAIN_ID');
      expect(verified).toBe(2);
      expect(rejection(() => pool.add(tx)).code).toBe('TX_BAD_NONCE');
      expect(rejection(() => pool.add(bad)).code).toBe('TX_WRONG_CHAIN_ID');
      expect(verified).toBe(2);
    });

    it('refuses options that make no sense', () => {
      expect(rejection(() => setup({ maxTxs: 0 })).code).toBe('MEMPOOL_INVALID_OPTION');
      expect(rejection(() => setup({ rbfBumpPercent: 2.5 })).code).toBe('MEMPOOL_INVALID_OPTION');
    });
  });

  describe('nonce order', () => {
    it('holds a nonce gap and releases it when the gap fills', () => {
      const { pool } = setup();
      const tx0 = makeTx(alice, { nonce: 0n });
      const tx1 = makeTx(alice, { nonce: 1n });
      const tx2 = makeTx(alice, { nonce: 2n });
      expect(pool.add(tx2).status).toBe('queued');
      expect(pool.add(tx1).status).toBe('queued');
      expect(pool.reap()).toEqual([]);
      expect(pool.stats()).toMatchObject({ pendingTxs: 0, queuedTxs: 2 });

      expect(pool.add(tx0).status).toBe('pending');
      expect(pool.reap()).toEqual([tx0, tx1, tx2]);
      expect(pool.stats()).toMatchObject({ pendingTxs: 3, queuedTxs: 0 });
    });

    it('tells a wallet the next nonce after its pending run', () => {
      const { pool, view } = setup();
      view.set(alice.address, { nonce: 5n });
      expect(pool.nextNonce(alice.address)).toBe(5n);
      pool.add(makeTx(alice, { nonce: 5n }));
      pool.add(makeTx(alice, { nonce: 6n }));
      pool.add(makeTx(alice, { nonce: 8n }));
      expect(pool.nextNonce(alice.address)).toBe(7n);
    });
  });

  describe('reap', () => {
    it('takes the highest fee rate first', () => {
      const { pool } = setup();
      const low = makeTx(alice, { fee: 10n });
      const high = makeTx(bob, { fee: 30n });
      const mid = makeTx(carol, { fee: 20n });
      for (const tx of [low, high, mid]) pool.add(tx);
      expect(pool.reap()).toEqual([high, mid, low]);
    });

    it('ranks by fee per byte, not by fee', () => {
      const { pool } = setup();
      const long = makeTx(alice, { fee: 100n, memo: 'x'.repeat(200) });
      const short = makeTx(bob, { fee: 99n });
      pool.add(long);
      pool.add(short);
      expect(long.length).toBeGreaterThan(short.length);
      expect(pool.reap()).toEqual([short, long]);
    });

    it('never takes a sender’s nonce n+1 before its nonce n, even when n+1 pays more', () => {
      const { pool } = setup();
      const a0 = makeTx(alice, { nonce: 0n, fee: 1n });
      const a1 = makeTx(alice, { nonce: 1n, fee: 100n });
      const b0 = makeTx(bob, { nonce: 0n, fee: 50n });
      for (const tx of [a1, a0, b0]) pool.add(tx);
      expect(pool.reap()).toEqual([b0, a0, a1]);
    });

    it('breaks fee-rate ties by arrival order', () => {
      const { pool } = setup();
      const txs = [carol, alice, dave, bob].map((k) => makeTx(k, { fee: 7n }));
      for (const tx of txs) pool.add(tx);
      expect(pool.reap()).toEqual(txs);
    });

    it('stops at maxTxs and skips a sender whose next transaction does not fit maxBytes', () => {
      const { pool } = setup();
      const big = makeTx(alice, { fee: 1000n, memo: 'm'.repeat(250) });
      const after = makeTx(alice, { nonce: 1n, fee: 1000n });
      const small = [bob, carol].map((k, i) => makeTx(k, { fee: BigInt(100 - i) }));
      for (const tx of [big, after, ...small]) pool.add(tx);
      expect(pool.reap({ maxTxs: 2 })).toEqual([big, after]);
      const budget = small.reduce((n, tx) => n + tx.length, 0);
      expect(big.length).toBeGreaterThan(budget);
      expect(pool.reap({ maxBytes: budget })).toEqual(small);
      expect(pool.reap({ maxBytes: budget - 1 })).toEqual(small.slice(0, 1));
      expect(pool.size).toBe(4);
    });

    it('leaves queued transactions out of a block', () => {
      const { pool } = setup();
      const pending = makeTx(alice, { fee: 1n });
      pool.add(pending);
      pool.add(makeTx(bob, { nonce: 1n, fee: 500n }));
      expect(pool.reap()).toEqual([pending]);
    });

    it('matches a naive greedy selection on a random pool', () => {
      const random = new SeededRandom(7);
      const senders = Array.from({ length: 25 }, (_, i) => key(`reap-${i}`));
      const { pool, view } = setup({ maxPerSender: 16 });
      interface Held {
        bytes: Uint8Array;
        sender: number;
        fee: bigint;
        arrival: number;
      }
      const chains: Held[][] = senders.map(() => []);
      const next = senders.map(() => 0n);
      for (const s of senders) view.set(s.address, { balance: 10n ** 12n });
      for (let arrival = 0; arrival < 200; arrival++) {
        const s = random.int(senders.length);
        if ((next[s] as bigint) >= 12n) continue;
        const fee = 1n + BigInt(random.int(40));
        const memo = 'z'.repeat(random.int(60));
        const bytes = makeTx(senders[s] as TestKey, { nonce: next[s] as bigint, fee, memo });
        next[s] = (next[s] as bigint) + 1n;
        expect(pool.add(bytes).status).toBe('pending');
        chains[s]?.push({ bytes, sender: s, fee, arrival });
      }
      const maxBytes = 9_000;
      const expected: Uint8Array[] = [];
      const heads = chains.map(() => 0);
      const blocked = new Set<number>();
      let used = 0;
      for (;;) {
        let best: Held | undefined;
        for (const [s, chain] of chains.entries()) {
          const head = blocked.has(s) ? undefined : chain[heads[s] as number];
          if (head === undefined) continue;
          const better =
            best === undefined ||
            head.fee * BigInt(best.bytes.length) > best.fee * BigInt(head.bytes.length) ||
            (head.fee * BigInt(best.bytes.length) === best.fee * BigInt(head.bytes.length) &&
              head.arrival < best.arrival);
          if (better) best = head;
        }
        if (best === undefined) break;
        if (used + best.bytes.length > maxBytes) {
          blocked.add(best.sender);
          continue;
        }
        expected.push(best.bytes);
        used += best.bytes.length;
        heads[best.sender] = (heads[best.sender] as number) + 1;
      }
      expect(ids(pool.reap({ maxBytes }))).toEqual(ids(expected));
    });
  });

  describe('replace-by-fee', () => {
    it('replaces a held transaction with one paying at least rbfBumpPercent more', () => {
      const { pool } = setup();
      const original = makeTx(alice, { fee: 100n });
      pool.add(original);
      const replacement = makeTx(alice, { fee: 110n });
      const result = pool.add(replacement);
      expect(result.replaced).toBe(idOf(original));
      expect(pool.has(idOf(original))).toBe(false);
      expect(pool.reap()).toEqual([replacement]);
      expect(pool.size).toBe(1);
    });

    it('keeps the original when the replacement does not pay enough more', () => {
      const { pool } = setup();
      const original = makeTx(alice, { nonce: 0n, fee: 100n });
      pool.add(original);
      const err = rejection(() => pool.add(makeTx(alice, { nonce: 0n, fee: 109n, memo: 'again' })));
      expect(err.code).toBe('MEMPOOL_REPLACEMENT_UNDERPRICED');
      expect(err.meta).toMatchObject({ replaces: idOf(original), minFee: 110n });
      expect(pool.reap()).toEqual([original]);
    });

    it('replaces a queued transaction too, and it stays queued', () => {
      const { pool } = setup();
      pool.add(makeTx(alice, { nonce: 2n, fee: 10n }));
      const result = pool.add(makeTx(alice, { nonce: 2n, fee: 20n }));
      expect(result.status).toBe('queued');
      expect(result.replaced).toBeDefined();
      expect(pool.stats().queuedTxs).toBe(1);
    });

    it('redoes the balance check with the replacement instead of the original', () => {
      const { pool, view } = setup();
      view.set(alice.address, { balance: 250n });
      pool.add(makeTx(alice, { nonce: 0n, amount: 100n, fee: 100n }));
      expect(rejection(() => pool.add(makeTx(alice, { nonce: 0n, amount: 100n, fee: 151n }))).code).toBe(
        'TX_INSUFFICIENT_FUNDS',
      );
      expect(pool.add(makeTx(alice, { nonce: 0n, amount: 100n, fee: 150n })).replaced).toBeDefined();
    });

    it('drops the higher nonces a costlier replacement leaves unfunded', () => {
      const { pool, view } = setup();
      view.set(alice.address, { balance: 300n });
      pool.add(makeTx(alice, { nonce: 0n, amount: 90n, fee: 10n }));
      const second = makeTx(alice, { nonce: 1n, amount: 150n, fee: 10n });
      pool.add(second);
      const result = pool.add(makeTx(alice, { nonce: 0n, amount: 100n, fee: 100n }));
      expect(result.removed).toEqual([
        { id: idOf(second), sender: toHex(alice.address), nonce: 1n, reason: 'insufficient_funds' },
      ]);
      expect(pool.size).toBe(1);
    });
  });

  describe('limits and eviction', () => {
    it('refuses a sender’s transaction beyond maxPerSender', () => {
      const { pool } = setup({ maxPerSender: 2 });
      pool.add(makeTx(alice, { nonce: 0n }));
      pool.add(makeTx(alice, { nonce: 1n }));
      expect(rejection(() => pool.add(makeTx(alice, { nonce: 2n }))).code).toBe('MEMPOOL_SENDER_LIMIT');
      expect(pool.add(makeTx(alice, { nonce: 1n, fee: 20n })).replaced).toBeDefined();
    });

    it('refuses a transaction when full and it pays no better than anything held', () => {
      const { pool } = setup({ maxTxs: 2 });
      pool.add(makeTx(alice, { fee: 10n }));
      pool.add(makeTx(bob, { fee: 10n }));
      const err = rejection(() => pool.add(makeTx(carol, { fee: 10n })));
      expect(err.code).toBe('MEMPOOL_FULL');
      expect(pool.size).toBe(2);
      expect(pool.reap().length).toBe(2);
    });

    it('evicts the lowest fee rate for a better-paying transaction, with that sender’s higher nonces', () => {
      const { pool } = setup({ maxTxs: 4 });
      const a0 = makeTx(alice, { nonce: 0n, fee: 5n });
      const a1 = makeTx(alice, { nonce: 1n, fee: 50n });
      const b0 = makeTx(bob, { fee: 20n });
      const c0 = makeTx(carol, { fee: 30n });
      for (const tx of [a0, a1, b0, c0]) pool.add(tx);
      const d0 = makeTx(dave, { fee: 6n });
      const result = pool.add(d0);
      expect(result.removed?.map((r) => [r.id, r.reason])).toEqual([
        [idOf(a0), 'evicted'],
        [idOf(a1), 'evicted'],
      ]);
      expect(pool.reap()).toEqual([c0, b0, d0]);
    });

    it('evicts by bytes when maxBytes is the binding limit', () => {
      const small = makeTx(alice, { fee: 10n });
      const big = makeTx(bob, { fee: 1000n, memo: 'b'.repeat(200) });
      const { pool } = setup({ maxBytes: small.length + big.length - 1 });
      pool.add(small);
      expect(pool.add(big).removed?.[0]?.id).toBe(idOf(small));
      expect(pool.bytes).toBe(big.length);
    });

    it('never lets a gapped transaction push out an executable one', () => {
      const { pool } = setup({ maxTxs: 2 });
      pool.add(makeTx(alice, { fee: 2n }));
      pool.add(makeTx(bob, { fee: 2n }));
      expect(rejection(() => pool.add(makeTx(carol, { nonce: 1n, fee: 900n }))).code).toBe('MEMPOOL_FULL');
      expect(pool.add(makeTx(carol, { nonce: 0n, fee: 900n })).removed).toHaveLength(1);
    });

    it('evicts a queued transaction before a pending one paying the same rate', () => {
      const { pool, view } = setup({ maxTxs: 2 });
      view.set(bob.address, { nonce: 1n });
      const queued = makeTx(alice, { nonce: 2n, fee: 10n });
      const pending = makeTx(bob, { nonce: 1n, fee: 10n });
      pool.add(queued);
      pool.add(pending);
      expect(queued.length).toBe(pending.length);
      expect(pool.add(makeTx(carol, { fee: 20n })).removed?.map((r) => r.id)).toEqual([idOf(queued)]);
    });

    it('never evicts the newcomer’s own lower nonces', () => {
      const { pool } = setup({ maxTxs: 2 });
      pool.add(makeTx(alice, { nonce: 0n, fee: 2n }));
      pool.add(makeTx(bob, { fee: 50n }));
      expect(rejection(() => pool.add(makeTx(alice, { nonce: 1n, fee: 40n }))).code).toBe('MEMPOOL_FULL');
      expect(pool.size).toBe(2);
    });

    it('changes nothing when it cannot free enough room', () => {
      const a = makeTx(alice, { fee: 2n });
      const b = makeTx(bob, { fee: 50n });
      const c = makeTx(carol, { fee: 60n });
      const { pool } = setup({ maxBytes: a.length + b.length + c.length });
      for (const tx of [a, b, c]) pool.add(tx);
      // Fitting it takes two evictions: `a` pays a lower rate than it, `b` does not.
      const big = makeTx(dave, { fee: 40n, memo: 'd'.repeat(100) });
      expect(rejection(() => pool.add(big)).code).toBe('MEMPOOL_FULL');
      expect(pool.reap()).toEqual([c, b, a]);
      const richer = makeTx(dave, { fee: 1000n, memo: 'd'.repeat(100) });
      expect(pool.add(richer).removed?.map((r) => r.id)).toEqual([idOf(a), idOf(b)]);
      expect(pool.reap()).toEqual([richer, c]);
    });
  });

  describe('peers', () => {
    it('holds at most maxPerPeer transactions a peer sent first', () => {
      const { pool, view } = setup({ maxPerPeer: 2 });
      pool.add(makeTx(alice), { peer: 'p1' });
      pool.add(makeTx(bob), { peer: 'p1' });
      expect(rejection(() => pool.add(makeTx(carol), { peer: 'p1' })).code).toBe('MEMPOOL_PEER_LIMIT');
      expect(pool.add(makeTx(carol), { peer: 'p2' }).status).toBe('pending');
      expect(pool.add(makeTx(dave)).status).toBe('pending');
      const block = applyBlock(view, pool.reap({ maxTxs: 1 }));
      pool.update(block.ids, view);
      expect(pool.add(makeTx(alice, { nonce: 1n }), { peer: 'p1' }).status).toBe('pending');
    });

    it('attributes a transaction to the peer that sent it first', () => {
      const { pool } = setup({ maxPerPeer: 1 });
      const tx = makeTx(alice);
      pool.add(tx, { peer: 'p1' });
      expect(rejection(() => pool.add(tx, { peer: 'p2' })).code).toBe('MEMPOOL_DUPLICATE');
      expect(pool.add(makeTx(bob), { peer: 'p2' }).status).toBe('pending');
      expect(pool.stats().peers).toBe(2);
    });

    it('counts a peer’s invalid transactions and reports each through the hook', () => {
      const reports: [string, string][] = [];
      const { pool } = setup({ onInvalidFromPeer: (peer, code) => reports.push([peer, code]) });
      const wrongChain = makeTx(alice, { chainId: 'elsewhere' });
      rejection(() => pool.add(wrongChain, { peer: 'p1' }));
      rejection(() => pool.add(wrongChain, { peer: 'p1' }));
      rejection(() => pool.add(makeTx(bob, { chainId: 'elsewhere' })));
      const tx = makeTx(carol);
      pool.add(tx, { peer: 'p2' });
      rejection(() => pool.add(tx, { peer: 'p1' }));
      rejection(() => pool.add(makeTx(dave, { nonce: 99n }), { peer: 'p1' }));
      expect(reports).toEqual([
        ['p1', 'TX_WRONG_CHAIN_ID'],
        ['p1', 'TX_WRONG_CHAIN_ID'],
      ]);
      expect(pool.invalidCount('p1')).toBe(2);
      pool.forgetPeer('p1');
      expect(pool.invalidCount('p1')).toBe(0);
    });

    it('admits a batch from a peer and says per transaction what happened', () => {
      const { pool } = setup();
      const good = makeTx(alice);
      const gapped = makeTx(bob, { nonce: 1n });
      const results = pool.addBatch([good, good, gapped, makeTx(carol, { chainId: 'x' })], 'p1');
      expect(results.map((r) => (r.ok ? r.status : r.code))).toEqual([
        'pending',
        'MEMPOOL_DUPLICATE',
        'queued',
        'TX_WRONG_CHAIN_ID',
      ]);
      expect(pool.invalidCount('p1')).toBe(1);
    });
  });
});
