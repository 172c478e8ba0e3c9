import { describe, expect, it } from 'vitest';
import {
  commitRate,
  loadAccount,
  loadAccounts,
  percentile,
  prepareTransfers,
  schedule,
  summarizeLatencies,
} from './load.ts';

describe('schedule', () => {
  it('spaces floor(rate × duration) sends evenly from 0', () => {
    expect(schedule(4, 1)).toEqual([0, 250, 500, 750]);
    expect(schedule(1000, 2)).toHaveLength(2000);
    expect(schedule(1000, 2).at(-1)).toBe(1999);
    expect(schedule(3, 1.5)).toEqual([0, 1000 / 3, 2000 / 3, 1000]);
  });

  it('is empty for a zero or negative rate or duration', () => {
    expect(schedule(0, 10)).toEqual([]);
    expect(schedule(10, 0)).toEqual([]);
    expect(schedule(-1, 10)).toEqual([]);
    expect(schedule(Number.NaN, 10)).toEqual([]);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted latencies', () => {
    expect(summarizeLatencies([30, 10, 20, 40])).toEqual({ count: 4, p50Ms: 20, p99Ms: 40, meanMs: 25, maxMs: 40 });
    const empty = summarizeLatencies([]);
    expect(empty.count).toBe(0);
    expect(empty.p50Ms).toBeNaN();
  });
});

describe('commitRate', () => {
  it('counts the load after the first loaded block over the span to the last loaded block', () => {
    const blocks = [
      { timeMs: 0, loadTxs: 0 },
      { timeMs: 1000, loadTxs: 50 },
      { timeMs: 2000, loadTxs: 100 },
      { timeMs: 3000, loadTxs: 300 },
      { timeMs: 4000, loadTxs: 0 },
    ];
    expect(commitRate(blocks)).toBe(200);
    expect(commitRate([{ timeMs: 0, loadTxs: 10 }])).toBe(0);
    expect(commitRate([])).toBe(0);
    // Blocks seen at the same moment span no time: no rate rather than a division by zero.
    expect(
      commitRate([
        { timeMs: 5, loadTxs: 1 },
        { timeMs: 5, loadTxs: 1 },
      ]),
    ).toBe(0);
  });
});

describe('accounts and prepared transfers', () => {
  it('derives the same accounts every time', () => {
    expect(loadAccount(3).address).toBe(loadAccounts(5)[3]?.address);
    expect(loadAccounts(2, 3)[0]?.address).toBe(loadAccount(3).address);
    expect(new Set(loadAccounts(20).map((a) => a.address)).size).toBe(20);
    expect(loadAccount(0).address.startsWith('baby1')).toBe(true);
  });

  it('assigns senders round robin with consecutive nonces from their start nonce', () => {
    const accounts = loadAccounts(3);
    const txs = prepareTransfers({ chainId: 'test-1', accounts, ratePerS: 10, durationS: 0.7, startNonces: [5n] });
    expect(txs.map((t) => t.sender)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(txs.map((t) => t.nonce)).toEqual([5n, 0n, 0n, 6n, 1n, 1n, 7n]);
    expect(txs.map((t) => t.atMs)).toEqual(schedule(10, 0.7));
    expect(new Set(txs.map((t) => t.id)).size).toBe(txs.length);
    expect(() =>
      prepareTransfers({ chainId: 'x', accounts: accounts.slice(0, 1), ratePerS: 1, durationS: 1 }),
    ).toThrow();
  });
});
