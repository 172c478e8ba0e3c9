import { BabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { type BatchTimer, GossipBatcher } from './batcher.ts';
import { CHAIN, key, MemoryView, makeTx } from './pool.testutil.ts';
import { Mempool } from './pool.ts';

/** A manual clock: timers fire only when the test advances it. */
class FakeTimer implements BatchTimer {
  now = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.#timers.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get armed(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.#timers]) {
      if (timer.at > this.now) continue;
      this.#timers.delete(handle);
      timer.callback();
    }
  }
}

const tx = (n: number, size = 100) => new Uint8Array(size).fill(n);

function setup(options: { maxBatchTxs?: number; maxBatchBytes?: number; maxDelayMs?: number } = {}) {
  const timer = new FakeTimer();
  const sent: Uint8Array[][] = [];
  const batcher = new GossipBatcher((batch) => sent.push(batch), { ...options, timer });
  return { timer, sent, batcher };
}

describe('GossipBatcher', () => {
  it('sends a full batch as soon as it holds maxBatchTxs transactions', () => {
    const { sent, batcher, timer } = setup({ maxBatchTxs: 3 });
    for (let i = 0; i < 7; i++) batcher.add(tx(i));
    expect(sent.map((b) => b.map((t) => t[0]))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(batcher.size).toBe(1);
    expect(timer.armed).toBe(1);
  });

  it('never lets a batch grow past maxBatchBytes', () => {
    const { sent, batcher } = setup({ maxBatchBytes: 250 });
    batcher.add(tx(1, 100));
    batcher.add(tx(2, 100));
    batcher.add(tx(3, 100));
    expect(sent.map((b) => b.length)).toEqual([2]);
    batcher.add(tx(4, 150));
    expect(sent.map((b) => b.length)).toEqual([2, 2]);
    batcher.add(tx(5, 400));
    expect(sent.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('sends a partial batch maxDelayMs after its first transaction', () => {
    const { sent, batcher, timer } = setup({ maxDelayMs: 20 });
    batcher.add(tx(1));
    timer.advance(15);
    batcher.add(tx(2));
    expect(sent).toEqual([]);
    timer.advance(5);
    expect(sent.map((b) => b.length)).toEqual([1 + 1]);
    timer.advance(100);
    expect(sent.length).toBe(1);
    batcher.add(tx(3));
    timer.advance(20);
    expect(sent.map((b) => b.length)).toEqual([2, 1]);
  });

  it('does not gossip transactions that came from a peer', () => {
    const { sent, batcher } = setup();
    expect(batcher.add(tx(1), { peer: 'p1' })).toBe(false);
    expect(batcher.add(tx(2))).toBe(true);
    batcher.flush();
    expect(sent.map((b) => b.map((t) => t[0]))).toEqual([[2]]);
  });

  it('sends what is waiting when closed and accepts nothing after', () => {
    const { sent, batcher, timer } = setup();
    batcher.add(tx(1));
    batcher.close();
    expect(sent.length).toBe(1);
    expect(timer.armed).toBe(0);
    expect(batcher.add(tx(2))).toBe(false);
    batcher.flush();
    expect(sent.length).toBe(1);
  });

  it('refuses a zero batch size', () => {
    expect(() => new GossipBatcher(() => {}, { maxBatchTxs: 0 })).toThrow(BabyError);
  });

  it('gossips locally submitted admissions in batches and not the ones a peer sent', () => {
    const timer = new FakeTimer();
    const sent: Uint8Array[][] = [];
    const batcher = new GossipBatcher((batch) => sent.push(batch), { timer, maxBatchTxs: 2 });
    const view = new MemoryView();
    const senders = ['a', 'b', 'c', 'd', 'e'].map((l) => key(`gossip-${l}`));
    for (const s of senders) view.set(s.address, { balance: 10_000n });
    const pool = new Mempool({ chainId: CHAIN, view, onAdmitted: (t) => batcher.add(t.bytes, t.origin) });
    const local = senders.slice(0, 3).map((s) => makeTx(s));
    const remote = senders.slice(3).map((s) => makeTx(s));
    for (const t of local) pool.add(t);
    pool.addBatch(remote, 'p1');
    expect(() => pool.add(local[0] as Uint8Array)).toThrow(BabyError);
    timer.advance(20);
    expect(sent).toEqual([local.slice(0, 2), local.slice(2)]);
    expect(pool.size).toBe(5);
  });
});
