import { BabyError, type ErrorMeta, type MetaArgs } from '@babychain/codec';

/**
 * The codes this package produces itself. Everything else a client call throws is the node's own answer: an HTTP
 * error body `{ error: { code, message, meta? } }` becomes a BabyError with the node's code (`TX_BAD_NONCE`,
 * `RPC_NOT_FOUND`, ...), so the same code reaches scripts whichever side found the problem.
 */
export const ClientErrorCode = Object.freeze({
  UNREACHABLE: 'CLIENT_UNREACHABLE',
  TIMEOUT: 'CLIENT_TIMEOUT',
  BAD_RESPONSE: 'CLIENT_BAD_RESPONSE',
  /** a header chain that does not verify (verifyHeaderChain) */
  UNVERIFIED: 'CLIENT_UNVERIFIED',
  /** an amount that is not BABY with at most six decimals, or not a uint64 of ubaby (parseAmount, formatAmount) */
  BAD_AMOUNT: 'CLIENT_BAD_AMOUNT',
} as const);

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * CLIENT_BAD_AMOUNT's `reason`: not a decimal number (`syntax`), below zero (`negative`), more than six decimals
 * (`decimals`, ubaby is the smallest unit), or more than 2^64 - 1 ubaby (`range`, what a uint64 on the wire holds).
 */
export type AmountProblem = 'syntax' | 'negative' | 'decimals' | 'range';

declare module '@babychain/codec' {
  interface BabyErrorMeta {
    /** `code`: the websocket's close code */
    [ClientErrorCode.UNREACHABLE]: ErrorMeta & { url?: string; code?: number };
    /** a request that ran out of time (`url`), or a transaction not committed in time (`id`) */
    [ClientErrorCode.TIMEOUT]: ErrorMeta & {
      url?: string;
      timeoutMs?: number;
      id?: string;
      waitedMs?: number;
      lastError?: string;
    };
    /** an HTTP answer (`url`, `status`, the start of its `body`), or the JSON `path` of a value not as `expected` */
    [ClientErrorCode.BAD_RESPONSE]: ErrorMeta & {
      url?: string;
      status?: number;
      body?: string;
      path?: string;
      expected?: string;
      got?: string;
      error?: unknown;
    };
    /** the first `height` that does not follow, why (`reason`) and, from consensus, the check's `code` */
    [ClientErrorCode.UNVERIFIED]: ErrorMeta & { height: bigint; reason: string; code?: string };
    /** why (`reason`), and the `text` that was given when it was text */
    [ClientErrorCode.BAD_AMOUNT]: ErrorMeta & { reason: AmountProblem; text?: string };
  }
}

export function clientError<Code extends ClientErrorCode>(
  code: Code,
  message: string,
  ...[meta, cause]: MetaArgs<Code, unknown>
): BabyError<ClientErrorCode> {
  return new BabyError<ClientErrorCode>(code, message, meta, cause === undefined ? undefined : { cause });
}
