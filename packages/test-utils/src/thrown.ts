import { isBabyError } from '@babychain/codec';

/** The stable code of the BabyError `fn` throws; anything else it throws, or no throw at all, fails the test. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isBabyError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a BabyError, nothing was thrown');
}
