import { BabyError } from '@babychain/codec';

/**
 * The codes this package produces itself. Everything else a client call throws is the node's own answer: an HTTP
 * error body `{ error: { code, message, meta? } }` becomes a BabyError with the node's code (`TX_BAD_NONCE`,
 * `RPC_NOT_FOUND`, ...), so the same code reaches scripts whichever side found the problem.
 */
export const ClientErrorCode = Object.freeze({
  UNREACHABLE: 'CLIENT_UNREACHABLE',
  TIMEOUT: 'CLIENT_TIMEOUT',
  BAD_RESPONSE: 'CLIENT_BAD_RESPONSE',
} as const);

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export function clientError(
  code: ClientErrorCode,
  message: string,
  meta: Record<string, unknown> = {},
  cause?: unknown,
): BabyError<ClientErrorCode> {
  return new BabyError(code, message, meta, cause === undefined ? undefined : { cause });
}
