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
  /** a multisig file (unsigned body, signature) that is not one, or whose summary does not say what its body does */
  BAD_FILE: 'CLIENT_BAD_FILE',
  /** a body that does not spend from a multisig key where one is needed (multisigSigner, combineSignatures) */
  WRONG_SIGNER: 'CLIENT_WRONG_SIGNER',
  /** a key that is not one of the body's multisig keys (memberIndex) */
  NOT_A_MEMBER: 'CLIENT_NOT_A_MEMBER',
  /** a signature outside the multisig key, or one that does not verify over the body (combineSignatures) */
  BAD_SIGNATURE: 'CLIENT_BAD_SIGNATURE',
  /** two signatures by the same member (combineSignatures) */
  DUPLICATE_SIGNATURE: 'CLIENT_DUPLICATE_SIGNATURE',
  /** fewer signatures than the multisig key's threshold (combineSignatures) */
  TOO_FEW_SIGNATURES: 'CLIENT_TOO_FEW_SIGNATURES',
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
    /** `file`: the file or text refused; `fields`: the summary's fields that differ; `cause`: the decoder's code */
    [ClientErrorCode.BAD_FILE]: ErrorMeta & { fields?: string[]; cause?: string };
    [ClientErrorCode.WRONG_SIGNER]: ErrorMeta;
    [ClientErrorCode.NOT_A_MEMBER]: ErrorMeta & { publicKey: string };
    /** `file`: where the signature came from; `keyIndex`: the member it claims to be */
    [ClientErrorCode.BAD_SIGNATURE]: ErrorMeta & { keyIndex: number };
    [ClientErrorCode.DUPLICATE_SIGNATURE]: ErrorMeta & { keyIndex: number };
    [ClientErrorCode.TOO_FEW_SIGNATURES]: ErrorMeta & { threshold: number; given: number };
  }
}

export function clientError<Code extends ClientErrorCode>(
  code: Code,
  message: string,
  ...[meta, cause]: MetaArgs<Code, unknown>
): BabyError<ClientErrorCode> {
  return new BabyError<ClientErrorCode>(code, message, meta, cause === undefined ? undefined : { cause });
}
