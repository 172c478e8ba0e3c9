/**
 * Release versions (specs/governance.md REL-2): MAJOR.MINOR.PATCH, compared number by number. Here, below the
 * upgrade package, because a genesis names the release it starts on (GEN-5) and GOV-3 defines the version in force.
 */
import { BabyError } from '@babychain/codec';

/** REL-2's code, the upgrade package's `ReleaseErrorCode.BAD_VERSION`. */
export const BAD_VERSION_CODE = 'REL_BAD_VERSION';

const VERSION = /^(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})$/;
const LIMIT = 2 ** 31;

/** The three numbers of a version; throws REL_BAD_VERSION. */
export function parseVersion(version: string): [number, number, number] {
  const m = VERSION.exec(version);
  const parts = m === null ? [] : [Number(m[1]), Number(m[2]), Number(m[3])];
  if (parts.length !== 3 || parts.some((n) => n >= LIMIT)) {
    throw new BabyError(BAD_VERSION_CODE, `"${version}" is not MAJOR.MINOR.PATCH`, {
      rule: 'REL-2',
      version,
    });
  }
  return parts as [number, number, number];
}

/** Negative, zero or positive as `a` is below, equal to or above `b`; "" is below every version. */
export function compareVersions(a: string, b: string): number {
  if (a === '' || b === '') return (a === '' ? 0 : 1) - (b === '' ? 0 : 1);
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
