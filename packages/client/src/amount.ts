/**
 * Amounts for people: the chain counts ubaby, unsigned 64-bit integers, and 1 BABY = 1 000 000 ubaby (specs/state.md).
 * These two functions are the only conversion between them: the CLI reads and prints BABY through them too, so a
 * wallet and `baby` agree on every digit.
 */
import { type AmountProblem, ClientErrorCode, clientError } from './errors.ts';

/** BABY is shown with six decimals: one ubaby is 0.000001 BABY. */
export const BABY_DECIMALS = 6;
export const UBABY_PER_BABY = 10n ** BigInt(BABY_DECIMALS);
/** The largest amount a transaction or an account can hold: 2^64 - 1 ubaby (a uint64 on the wire). */
export const MAX_AMOUNT = (1n << 64n) - 1n;

/** Whole BABY in MAX_AMOUNT (18 446 744 073 709) has 14 digits; longer is out of range before any BigInt is made. */
const MAX_WHOLE_DIGITS = String(MAX_AMOUNT / UBABY_PER_BABY).length;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function badAmount(reason: AmountProblem, message: string, text?: string): Error {
  return clientError(ClientErrorCode.BAD_AMOUNT, message, text === undefined ? { reason } : { reason, text });
}

/**
 * BABY as decimal text to ubaby: `'1.5'` → `1500000n`, `'0.000001'` → `1n`, `'0'` → `0n`. Spaces around the number
 * are ignored; no unit, sign, exponent or digit grouping is read. Anything else is CLIENT_BAD_AMOUNT, with `reason`
 * `syntax`, `negative`, `decimals` (more than six: nothing is rounded) or `range` (over MAX_AMOUNT).
 */
export function parseAmount(text: string): bigint {
  if (typeof text !== 'string') throw badAmount('syntax', `an amount is text such as "1.5", not ${typeof text}`);
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const match = DECIMAL.exec(negative ? trimmed.slice(1) : trimmed);
  if (match === null) {
    throw badAmount('syntax', `${JSON.stringify(text)} is not an amount of BABY such as "1.5"`, text);
  }
  if (negative) throw badAmount('negative', `${JSON.stringify(text)} is negative: amounts are never below zero`, text);
  const whole = (match[1] as string).replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (fraction.length > BABY_DECIMALS) {
    throw badAmount(
      'decimals',
      `${JSON.stringify(text)} has ${fraction.length} decimals: BABY has ${BABY_DECIMALS} (1 ubaby = 0.000001 BABY)`,
      text,
    );
  }
  const value =
    whole.length > MAX_WHOLE_DIGITS
      ? MAX_AMOUNT + 1n
      : BigInt(whole) * UBABY_PER_BABY + BigInt(fraction.padEnd(BABY_DECIMALS, '0'));
  if (value > MAX_AMOUNT) {
    throw badAmount('range', `${JSON.stringify(text)} BABY is more than the largest amount, 2^64 - 1 ubaby`, text);
  }
  return value;
}

/**
 * ubaby to BABY as decimal text, without trailing zeros or unit: `1500000n` → `'1.5'`, `1n` → `'0.000001'`, `0n` →
 * `'0'`. parseAmount reads every result back to the same bigint. A value that is not an amount (not a bigint, below
 * zero, over MAX_AMOUNT) is CLIENT_BAD_AMOUNT, as in parseAmount.
 */
export function formatAmount(ubaby: bigint): string {
  if (typeof ubaby !== 'bigint') throw badAmount('syntax', `an amount in ubaby is a bigint, not ${typeof ubaby}`);
  if (ubaby < 0n) throw badAmount('negative', `${ubaby} ubaby is negative: amounts are never below zero`);
  if (ubaby > MAX_AMOUNT) throw badAmount('range', `${ubaby} ubaby is more than the largest amount, 2^64 - 1`);
  const whole = ubaby / UBABY_PER_BABY;
  const fraction = (ubaby % UBABY_PER_BABY).toString().padStart(BABY_DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}
