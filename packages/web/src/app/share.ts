/** Shares of voting power as the views show them: one rounding for every page (explorer, governance, node). */

/** A share as people read it, to a tenth of a percent, rounded down so a line never looks met before it is. */
export function percent(part: bigint, whole: bigint): string {
  if (whole <= 0n) return '0 %';
  const tenths = (part * 1000n) / whole;
  return `${tenths / 10n}.${tenths % 10n} %`;
}

/** `part / whole` as a number in 0..1, for widths and meters only (never for a decision). */
export function ratio(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Math.min(1, Math.max(0, Number((part * 10000n) / whole) / 10000));
}
