// The Mempool after a commit (docs/architecture.md): what update removes, demotes, promotes and expires; its stats.
import { BabyError, toHex } from '@babychain/codec';
import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { alice, applyBlock, bob, carol, idOf, key, makeTx, setup, type TestKey } from './pool.testutil.ts';

describe('Mempool', () => {
  describe('update after a commit', () => {
    it('removes the included transactions and keeps the rest pending', () => {
      const { pool, view } = setup();
      const txs = [makeTx(alice, { fee: 9n }), makeTx(alice, { nonce: 1n, fee: 9n }), makeTx(bob, { fee: 1n })];
      for (const tx of txs) pool.add(tx);
      const block = pool.reap({ maxTxs: 2 });
      const result = pool.update(applyBlock(view, block).ids, view);
      expect(result.removed.map((r) => r.reason)).toEqual(['included', 'included']);
      expect(result.counts.included).toBe(2);
      expect(pool.reap()).toEqual([txs[2]]);
    });

    it('drops a transaction whose nonce the chain used for another one', () => {
      const { pool, view } = setup();
      pool.add(makeTx(alice, { nonce: 0n, fee: 5n }));
      const next = makeTx(alice, { nonce: 1n, fee: 5n });
      pool.add(next);
      applyBlock(view, [makeTx(alice, { nonce: 0n, fee: 7n, memo: 'sent elsewhere' })]);
      const result = pool.update([], view);
      expect(result.removed.map((r) => [r.nonce, r.reason])).toEqual([[0n, 'stale_nonce']]);
      expect(pool.reap()).toEqual([next]);
    });

    it('drops transactions the balance no longer covers', () => {
      const { pool, view } = setup();
      view.set(alice.address, { balance: 500n });
      pool.add(makeTx(alice, { nonce: 0n, amount: 100n }));
      pool.add(makeTx(alice, { nonce: 1n, amount: 100n }));
      view.set(alice.address, { balance: 150n });
      const result = pool.update([], view);
      expect(result.counts.insufficient_funds).toBe(1);
      expect(pool.reap().length).toBe(1);
    });

    it('drops transactions under a raised minimum fee and queues the nonces behind them', () => {
      const { pool, view } = setup();
      pool.add(makeTx(alice, { nonce: 0n, fee: 20n }));
      pool.add(makeTx(alice, { nonce: 1n, fee: 2n }));
      pool.add(makeTx(alice, { nonce: 2n, fee: 20n }));
      view.minFee = 10n;
      const result = pool.update([], view, { touched: [] });
      expect(result.removed.map((r) => [r.nonce, r.reason])).toEqual([[1n, 'fee_too_low']]);
      expect(result.demoted).toBe(1);
      expect(pool.stats()).toMatchObject({ pendingTxs: 1, queuedTxs: 1 });
      expect(pool.add(makeTx(alice, { nonce: 1n, fee: 10n })).status).toBe('pending');
      expect(pool.reap().length).toBe(3);
    });

    it('promotes queued transactions when the committed nonce closes the gap', () => {
      const { pool, view } = setup();
      const later = makeTx(alice, { nonce: 1n });
      pool.add(later);
      applyBlock(view, [makeTx(alice, { nonce: 0n })]);
      const result = pool.update([], view);
      expect(result.promoted).toBe(1);
      expect(pool.reap()).toEqual([later]);
    });

    it('expires queued transactions after queuedTtlBlocks blocks', () => {
      const { pool, view } = setup({ queuedTtlBlocks: 3 });
      const stuck = makeTx(alice, { nonce: 4n });
      pool.add(stuck);
      pool.add(makeTx(bob));
      expect(pool.update([], view).removed).toEqual([]);
      expect(pool.update([], view).removed).toEqual([]);
      expect(pool.update([], view).removed).toEqual([
        { id: idOf(stuck), sender: toHex(alice.address), nonce: 4n, reason: 'expired' },
      ]);
      expect(pool.stats()).toMatchObject({ pendingTxs: 1, queuedTxs: 0 });
    });

    it('rechecks only the touched senders when told which accounts changed', () => {
      const { pool, view } = setup();
      pool.add(makeTx(alice, { amount: 100n }));
      pool.add(makeTx(bob, { amount: 100n }));
      view.set(alice.address, { balance: 1n });
      view.set(bob.address, { balance: 1n });
      const result = pool.update([], view, { touched: [bob.address] });
      expect(result.removed.map((r) => r.sender)).toEqual([toHex(bob.address)]);
      expect(pool.update([], view).removed.map((r) => r.sender)).toEqual([toHex(alice.address)]);
    });

    it('only ever reaps blocks the state machine accepts, through random traffic', () => {
      const random = new SeededRandom(42);
      const senders = Array.from({ length: 12 }, (_, i) => key(`sim-${i}`));
      const { pool, view } = setup({ maxTxs: 30, maxPerSender: 6, maxNonceGap: 6, queuedTtlBlocks: 4 });
      for (const s of senders) view.set(s.address, { balance: 12_000n });
      let included = 0;
      const seen = new Map<string, number>();
      const saw = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
      for (let block = 0; block < 30; block++) {
        for (let i = 0; i < 25; i++) {
          const s = senders[random.int(senders.length)] as TestKey;
          const nonce = view.account(s.address).nonce + BigInt(random.int(5));
          const tx = makeTx(s, {
            nonce,
            fee: 1n + BigInt(random.int(30)),
            amount: 1n + BigInt(random.int(2_000)),
            memo: random.bool(0.3) ? 'p'.repeat(random.int(50)) : '',
          });
          try {
            const result = pool.add(tx, random.bool() ? { peer: `peer-${i % 3}` } : {});
            saw(result.status);
            if (result.replaced !== undefined) saw('replaced');
            for (const r of result.removed ?? []) saw(r.reason);
          } catch (err) {
            if (!(err instanceof BabyError)) throw err;
            saw(err.code);
          }
        }
        if (block === 15) view.minFee = 8n;
        const reaped = pool.reap({ maxTxs: 1 + random.int(20), maxBytes: 4000 });
        const applied = applyBlock(view, reaped);
        included += reaped.length;
        if (block % 3 === 0) {
          // A transaction this pool never saw takes a sender's next nonce (another node's mempool proposed it), from
          // a sender who can still pay for it, as the block would not be valid otherwise.
          const s = random.pick(senders.filter((k) => view.account(k.address).balance >= 10n));
          const outside = applyBlock(view, [makeTx(s, { nonce: view.account(s.address).nonce, fee: 9n, amount: 1n })]);
          applied.ids.push(...outside.ids);
          applied.touched.push(...outside.touched);
        }
        const update = pool.update(applied.ids, view, block % 2 === 0 ? { touched: applied.touched } : {});
        for (const r of update.removed) saw(r.reason);
        const stats = pool.stats();
        expect(stats.pendingTxs + stats.queuedTxs).toBe(pool.size);
        expect(pool.reap().length).toBe(stats.pendingTxs);
        expect(pool.size).toBeLessThanOrEqual(30);
      }
      expect(included).toBeGreaterThan(100);
      // The traffic reached every path this test claims to cover.
      for (const path of [
        'queued',
        'replaced',
        'evicted',
        'expired',
        'stale_nonce',
        'fee_too_low',
        'insufficient_funds',
        'MEMPOOL_FULL',
      ]) {
        expect(seen.get(path), path).toBeGreaterThan(0);
      }
    });
  });

  describe('stats', () => {
    it('reports counts, bytes, senders and the oldest queued age', () => {
      let now = 1_000;
      const { pool, view } = setup({ now: () => now });
      const p = makeTx(alice);
      const q1 = makeTx(bob, { nonce: 3n });
      pool.add(p);
      pool.add(q1);
      now = 1_500;
      const q2 = makeTx(carol, { nonce: 1n });
      pool.add(q2);
      pool.update([], view);
      pool.update([], view);
      now = 4_000;
      expect(pool.stats()).toEqual({
        pendingTxs: 1,
        pendingBytes: p.length,
        queuedTxs: 2,
        queuedBytes: q1.length + q2.length,
        senders: 3,
        oldestQueuedBlocks: 2,
        oldestQueuedMs: 3_000,
        peers: 0,
      });
    });
  });
});
