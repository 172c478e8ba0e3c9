import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hex.ts';

describe('hex', () => {
  it('is lowercase, round-trips, and reads a view into a larger buffer by its own bytes only', () => {
    const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(bytes)).toBe('0001abff');
    expect(fromHex('0001ABff')).toEqual(bytes);
    const big = new Uint8Array([9, 9, 0xab, 0xcd, 9]);
    expect(toHex(big.subarray(2, 4))).toBe('abcd');
    expect(toHex(new Uint8Array(0))).toBe('');
    expect(() => fromHex('abc')).toThrow();
  });
});
