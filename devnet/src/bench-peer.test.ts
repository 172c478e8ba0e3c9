import { describe, expect, it } from 'vitest';
import { planFunding, planTransfers } from './bench-peer.ts';

describe('planTransfers', () => {
  it('sends round robin to the next account with each sender’s nonces in order from 0', () => {
    const plan = planTransfers(3, 4, 2);
    expect(plan).toHaveLength(8);
    expect(plan.map((p) => [p.sender, p.receiver, p.nonce])).toEqual([
      [0, 1, 0],
      [1, 2, 0],
      [2, 0, 0],
      [0, 1, 1],
      [1, 2, 1],
      [2, 0, 1],
      [0, 1, 2],
      [1, 2, 2],
    ]);
    expect(plan.map((p) => p.atMs)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
  });

  it('never reuses a (sender, nonce) pair and leaves no nonce gap', () => {
    const plan = planTransfers(1000, 4000, 12);
    const seen = new Set(plan.map((p) => `${p.sender}/${p.nonce}`));
    expect(seen.size).toBe(plan.length);
    const last = new Map<number, number>();
    for (const p of plan) {
      expect(p.nonce).toBe((last.get(p.sender) ?? -1) + 1);
      last.set(p.sender, p.nonce);
    }
  });

  it('refuses fewer than 2 accounts', () => {
    expect(() => planTransfers(1, 10, 1)).toThrow();
  });
});

describe('planFunding', () => {
  it('spreads the accounts over the funders and counts each account’s sends', () => {
    const plan = planTransfers(5, 7, 1);
    const funding = planFunding(plan, 5, 2);
    expect(funding.map((f) => f.funder)).toEqual([0, 1, 0, 1, 0]);
    expect(funding.map((f) => f.sends)).toEqual([2, 2, 1, 1, 1]);
    expect(funding.reduce((a, f) => a + f.sends, 0)).toBe(plan.length);
  });

  it('gives an account that never sends nothing to spend', () => {
    expect(planFunding(planTransfers(4, 2, 1), 4, 20).map((f) => f.sends)).toEqual([1, 1, 0, 0]);
  });
});
