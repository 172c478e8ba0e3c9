import type { BlockSummary } from '@babychain/client';
import { describe, expect, it } from 'vitest';
import { compareChains } from './safety.ts';

const block = (height: number, hash = `h${height}`, appHash = `a${height}`): BlockSummary => ({
  height: BigInt(height),
  hash,
  appHash,
  timeMs: 0n,
  txs: 0,
  proposer: '',
});
const chain = (node: string, top: number) => ({ node, blocks: Array.from({ length: top }, (_, i) => block(i + 1)) });

describe('compareChains', () => {
  it('accepts equal chains of different lengths and reports the highest height two nodes share', () => {
    expect(compareChains([chain('a', 5), chain('b', 7), chain('c', 3)])).toEqual({ height: 5, comparisons: 8 });
  });

  it('reports height 0 when no height is held twice', () => {
    expect(compareChains([chain('a', 4)])).toEqual({ height: 0, comparisons: 0 });
  });

  it('throws DEVNET_SAFETY_VIOLATION on different block hashes or app hashes at one height', () => {
    const forked = { node: 'b', blocks: [block(1), block(2, 'other')] };
    expect(() => compareChains([chain('a', 3), forked])).toThrow(
      expect.objectContaining({
        code: 'DEVNET_SAFETY_VIOLATION',
        message: expect.stringMatching(/height 2: a has hash/),
      }),
    );
    const badApp = { node: 'c', blocks: [block(1, 'h1', 'x')] };
    expect(() => compareChains([chain('a', 3), badApp])).toThrow(/appHash/);
  });

  it('compares hex case-insensitively', () => {
    expect(() =>
      compareChains([
        { node: 'a', blocks: [block(1, 'AB')] },
        { node: 'b', blocks: [block(1, 'ab')] },
      ]),
    ).not.toThrow();
  });
});
