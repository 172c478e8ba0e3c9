import { BabyError } from '@babychain/codec';

/**
 * Every code this package throws. Codes reach RPC clients and logs and are never renamed. Codes starting with
 * `P2P_BAD` mean "the remote peer sent something malformed": a request handler that throws one of them gets the
 * requesting peer penalised.
 */
export const P2pErrorCode = Object.freeze({
  MESSAGE_TOO_LARGE: 'P2P_MESSAGE_TOO_LARGE',
  TIMEOUT: 'P2P_TIMEOUT',
  REQUEST_FAILED: 'P2P_REQUEST_FAILED',
  BAD_REQUEST: 'P2P_BAD_REQUEST',
  INVALID_OPTIONS: 'P2P_INVALID_OPTIONS',
  INVALID_PEER_ID: 'P2P_INVALID_PEER_ID',
  DUPLICATE_HANDLER: 'P2P_DUPLICATE_HANDLER',
  CLOSED: 'P2P_CLOSED',
} as const);

export type P2pErrorCode = (typeof P2pErrorCode)[keyof typeof P2pErrorCode];

export type P2pError = BabyError<P2pErrorCode>;

export function p2pError(
  code: P2pErrorCode,
  message: string,
  meta: Record<string, unknown> = {},
  cause?: unknown,
): P2pError {
  return new BabyError(code, message, meta, cause === undefined ? undefined : { cause });
}

/** An error's message for a log line's context. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
