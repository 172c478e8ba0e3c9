import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { BABY_DECIMALS, formatAmount, MAX_AMOUNT, parseAmount, UBABY_PER_BABY } from './amount.ts';
import type { AmountProblem } from './errors.ts';

/** The CLIENT_BAD_AMOUNT reason of what `f` throws (fails the test when it throws anything else, or nothing). */
function problem(f: () => unknown): AmountProblem {
  try {
    f();
  } catch (err) {
    if (isBabyError(err, 'CLIENT_BAD_AMOUNT')) return err.meta.reason;
    throw err;
  }
  throw new Error('no error');
}

describe('parseAmount', () => {
  it('reads BABY as decimal text into ubaby', () => {
    expect(BABY_DECIMALS).toBe(6);
    expect(UBABY_PER_BABY).toBe(1_000_000n);
    expect(parseAmount('1.5')).toBe(1_500_000n);
    expect(parseAmount('1')).toBe(1_000_000n);
    expect(parseAmount('0.000001')).toBe(1n);
    expect(parseAmount('0.1')).toBe(100_000n);
    expect(parseAmount('12.345678')).toBe(12_345_678n);
    expect(parseAmount(' 2.50 ')).toBe(2_500_000n);
    expect(parseAmount('007.000')).toBe(7_000_000n);
  });

  it('reads zero in every spelling', () => {
    for (const zero of ['0', '0.0', '0.000000', '000']) expect(parseAmount(zero)).toBe(0n);
  });

  it('reads up to the largest uint64 of ubaby and no further', () => {
    expect(MAX_AMOUNT).toBe(18_446_744_073_709_551_615n);
    expect(parseAmount('18446744073709.551615')).toBe(MAX_AMOUNT);
    expect(problem(() => parseAmount('18446744073709.551616'))).toBe('range');
    expect(problem(() => parseAmount('18446744073710'))).toBe('range');
    expect(problem(() => parseAmount('9'.repeat(10_000)))).toBe('range');
    expect(parseAmount(`${'0'.repeat(40)}1`)).toBe(1_000_000n);
  });

  it('refuses more than six decimals rather than rounding', () => {
    expect(problem(() => parseAmount('1.1234567'))).toBe('decimals');
    expect(problem(() => parseAmount('0.0000001'))).toBe('decimals');
    expect(problem(() => parseAmount('1.0000000'))).toBe('decimals');
  });

  it('refuses negative amounts', () => {
    expect(problem(() => parseAmount('-1'))).toBe('negative');
    expect(problem(() => parseAmount('-0.5'))).toBe('negative');
    expect(problem(() => parseAmount('-0'))).toBe('negative');
  });

  it('refuses anything that is not a plain decimal number', () => {
    const garbage = ['', ' ', 'abc', '1.', '.5', '1,5', '1e6', '0x10', '+1', '1.5 BABY', '1 000', '--1', '1.2.3', '١'];
    for (const text of garbage)
      expect(
        problem(() => parseAmount(text)),
        text,
      ).toBe('syntax');
    expect(problem(() => parseAmount(15 as unknown as string))).toBe('syntax');
  });

  it('names the code, the reason and the text in the error', () => {
    try {
      parseAmount('1.1234567');
      expect.unreachable();
    } catch (err) {
      expect(isBabyError(err, 'CLIENT_BAD_AMOUNT')).toBe(true);
      expect(err).toMatchObject({
        code: 'CLIENT_BAD_AMOUNT',
        meta: { reason: 'decimals', text: '1.1234567' },
        message: expect.stringMatching(/7 decimals/),
      });
    }
  });
});

describe('formatAmount', () => {
  it('writes ubaby as BABY without trailing zeros', () => {
    expect(formatAmount(0n)).toBe('0');
    expect(formatAmount(1n)).toBe('0.000001');
    expect(formatAmount(1_500_000n)).toBe('1.5');
    expect(formatAmount(1_000_000n)).toBe('1');
    expect(formatAmount(12_345_678n)).toBe('12.345678');
    expect(formatAmount(MAX_AMOUNT)).toBe('18446744073709.551615');
  });

  it('is read back by parseAmount', () => {
    for (const units of [0n, 1n, 10n, 999_999n, 1_000_000n, 1_000_001n, 123_456_789_012n, MAX_AMOUNT]) {
      expect(parseAmount(formatAmount(units))).toBe(units);
    }
  });

  it('refuses what is not an amount', () => {
    expect(problem(() => formatAmount(-1n))).toBe('negative');
    expect(problem(() => formatAmount(MAX_AMOUNT + 1n))).toBe('range');
    expect(problem(() => formatAmount(1.5 as unknown as bigint))).toBe('syntax');
  });
});
