/**
 * Compares fee rates (fee per encoded byte) exactly: the sign of aFee/aSize - bFee/bSize, by bigint
 * cross-multiplication. Never floats: a u64 fee times a size does not fit a double's mantissa.
 */
export function compareFeeRate(aFee: bigint, aSize: bigint, bFee: bigint, bSize: bigint): number {
  const left = aFee * bSize;
  const right = bFee * aSize;
  return left > right ? 1 : left < right ? -1 : 0;
}

/**
 * Fees below 2^38 base units take an exact fast path: times a size of at most 2^14 bytes (TX-2 caps a transaction
 * at 16384) the product stays under 2^52, so JS numbers hold it exactly: integer arithmetic, not a float estimate.
 */
export const SMALL_FEE_LIMIT = 2n ** 38n;
const MAX_SIZE_FOR_SMALL = 2 ** 14;

/** A transaction as fee-rate comparisons see it. `smallFee` is the fee as a number, or -1 when it is too large. */
export interface Rated {
  readonly fee: bigint;
  readonly smallFee: number;
  readonly size: number;
  readonly sizeBig: bigint;
}

export function smallFeeOf(fee: bigint, size: number): number {
  return fee < SMALL_FEE_LIMIT && size <= MAX_SIZE_FOR_SMALL ? Number(fee) : -1;
}

/** compareFeeRate on two transactions, exact, without bigint allocations in the common case. */
export function compareRated(a: Rated, b: Rated): number {
  if (a.smallFee >= 0 && b.smallFee >= 0) {
    const left = a.smallFee * b.size;
    const right = b.smallFee * a.size;
    return left > right ? 1 : left < right ? -1 : 0;
  }
  return compareFeeRate(a.fee, a.sizeBig, b.fee, b.sizeBig);
}

/** Replace-by-fee: the new fee is above the old one and at least `bumpPercent` percent higher. */
export function isEnoughBump(oldFee: bigint, newFee: bigint, bumpPercent: bigint): boolean {
  return newFee > oldFee && newFee * 100n >= oldFee * (100n + bumpPercent);
}

/** The lowest fee that replaces a transaction paying `oldFee`. */
export function minReplacementFee(oldFee: bigint, bumpPercent: bigint): bigint {
  const scaled = oldFee * (100n + bumpPercent);
  const ceil = (scaled + 99n) / 100n;
  return ceil > oldFee ? ceil : oldFee + 1n;
}
