import { BabyError, type ErrorMeta, type MetaArgs } from '@babychain/codec';

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
  /** P2P-2: a peer answered the genesis handshake with another hash (logged; the peer is disconnected, refused) */
  GENESIS_MISMATCH: 'P2P_GENESIS_MISMATCH',
} as const);

export type P2pErrorCode = (typeof P2pErrorCode)[keyof typeof P2pErrorCode];

/** A request to a peer that failed, and what the transport said (`err`). */
type RequestMeta = ErrorMeta & { peer: string; protocol: string; err: string };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<P2pErrorCode, ErrorMeta> {
    /** a request's answer (RequestMeta), or a gossip message of `size` bytes on `topic` */
    [P2pErrorCode.MESSAGE_TOO_LARGE]: RequestMeta | (ErrorMeta & { topic: string; size: number; max: number });
    [P2pErrorCode.TIMEOUT]: RequestMeta;
    [P2pErrorCode.REQUEST_FAILED]: RequestMeta;
    /** the option at fault, by its name */
    [P2pErrorCode.INVALID_OPTIONS]: ErrorMeta & {
      length?: number | null;
      banThreshold?: number;
      addr?: string;
      points?: number;
    };
    [P2pErrorCode.GENESIS_MISMATCH]: ErrorMeta & { peer: string; ours: string; theirs: string };
    [P2pErrorCode.INVALID_PEER_ID]: ErrorMeta & { peer: string };
    [P2pErrorCode.DUPLICATE_HANDLER]: ErrorMeta & { topic?: string; protocol?: string };
  }
}

export type P2pError = BabyError<P2pErrorCode>;

export function p2pError<Code extends P2pErrorCode>(
  code: Code,
  message: string,
  ...[meta, cause]: MetaArgs<Code, unknown>
): P2pError {
  return new BabyError<P2pErrorCode>(code, message, meta, cause === undefined ? undefined : { cause });
}

/** An error's message for a log line's context. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
