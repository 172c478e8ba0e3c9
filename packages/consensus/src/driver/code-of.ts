import { isBabyError } from '@babychain/codec';

/** What a log line says of a failure: its stable code, or the message of an error that has none. */
export function codeOf(err: unknown): string {
  return isBabyError(err) ? err.code : err instanceof Error ? err.message : String(err);
}
