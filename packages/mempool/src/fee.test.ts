import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { compareFeeRate, compareRated, isEnoughBump, minReplacementFee, SMALL_FEE_LIMIT, smallFeeOf } from './fee.ts';

const rated = (fee: bigint, size: number) => ({ fee, size, sizeBig: BigInt(size), smallFee: smallFeeOf(fee, size) });

describe('fee rate', () => {
  it('ranks fee per byte exactly, even where doubles would round two rates together', () => {
    const u64 = (1n << 64n) - 1n;
    // u64/16383 and (u64-1)/16383 are the same double; the bigint comparison still tells them apart.
    expect(Number(u64) / 16383 === Number(u64 - 1n) / 16383).toBe(true);
    expect(compareRated(rated(u64, 16383), rated(u64 - 1n, 16383))).toBe(1);
    expect(compareRated(rated(3n, 200), rated(3n, 200))).toBe(0);
    expect(compareRated(rated(2n, 100), rated(3n, 150))).toBe(0);
    expect(compareRated(rated(2n, 100), rated(3n, 151))).toBe(1);
  });

  it('takes the number fast path and the bigint path to the same answer on either side of its limit', () => {
    const random = new SeededRandom(3);
    const fees = [0n, 1n, SMALL_FEE_LIMIT - 1n, SMALL_FEE_LIMIT, SMALL_FEE_LIMIT + 1n, (1n << 64n) - 1n];
    for (let i = 0; i < 2000; i++) {
      fees.push(BigInt(random.int(2 ** 40)) * (random.bool() ? 1n : 1024n));
    }
    for (let i = 0; i < 4000; i++) {
      const a = rated(fees[random.int(fees.length)] as bigint, 1 + random.int(16384));
      const b = rated(fees[random.int(fees.length)] as bigint, 1 + random.int(16384));
      expect(compareRated(a, b)).toBe(compareFeeRate(a.fee, a.sizeBig, b.fee, b.sizeBig));
    }
  });

  it('asks a replacement for at least the bump percentage more, and always more', () => {
    expect(isEnoughBump(100n, 110n, 10n)).toBe(true);
    expect(isEnoughBump(100n, 109n, 10n)).toBe(false);
    expect(minReplacementFee(100n, 10n)).toBe(110n);
    expect(minReplacementFee(101n, 10n)).toBe(112n);
    expect(isEnoughBump(101n, 111n, 10n)).toBe(false);
    expect(minReplacementFee(1n, 10n)).toBe(2n);
    expect(isEnoughBump(5n, 5n, 0n)).toBe(false);
    expect(minReplacementFee(5n, 0n)).toBe(6n);
  });
});
