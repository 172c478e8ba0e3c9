import type { CodeOf, ErrorMeta, Mismatch } from '@babychain/codec';

/**
 * Mempool policy rejections. These are node policy, not protocol rules: a transaction refused here may still be valid
 * in a block. Values reach RPC clients unchanged: never rename one.
 */
export const MempoolErrorCode = Object.freeze({
  FULL: 'MEMPOOL_FULL',
  DUPLICATE: 'MEMPOOL_DUPLICATE',
  NONCE_TOO_FAR: 'MEMPOOL_NONCE_TOO_FAR',
  REPLACEMENT_UNDERPRICED: 'MEMPOOL_REPLACEMENT_UNDERPRICED',
  SENDER_LIMIT: 'MEMPOOL_SENDER_LIMIT',
  PEER_LIMIT: 'MEMPOOL_PEER_LIMIT',
  INVALID_OPTION: 'MEMPOOL_INVALID_OPTION',
  /** a dropped transaction's code: it waited behind a nonce gap too long */
  EXPIRED: 'MEMPOOL_EXPIRED',
  /** a dropped transaction's code: a better-paying one took its room while the pool was full */
  EVICTED: 'MEMPOOL_EVICTED',
  /** a dropped transaction's code: another with its sender and nonce paid enough more to replace it */
  REPLACED: 'MEMPOOL_REPLACED',
} as const);

export type MempoolErrorCodeValue = CodeOf<typeof MempoolErrorCode>;

/** How many transactions the pool held against the limit it met. */
type Held = ErrorMeta & { held: number };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<MempoolErrorCodeValue, ErrorMeta> {
    [MempoolErrorCode.FULL]: Held & { bytes: number; maxTxs: number; maxBytes: number };
    [MempoolErrorCode.DUPLICATE]: ErrorMeta & { id: string };
    [MempoolErrorCode.NONCE_TOO_FAR]: ErrorMeta & Mismatch<bigint> & { maxNonceGap: number };
    /** `replaces`: the id of the transaction it would replace */
    [MempoolErrorCode.REPLACEMENT_UNDERPRICED]: ErrorMeta & {
      replaces: string;
      fee: bigint;
      minFee: bigint;
      rbfBumpPercent: number;
    };
    [MempoolErrorCode.SENDER_LIMIT]: Held & { sender: string; maxPerSender: number };
    [MempoolErrorCode.PEER_LIMIT]: Held & { peer: string; maxPerPeer: number };
    [MempoolErrorCode.INVALID_OPTION]: ErrorMeta & { option: string; value: unknown };
  }
}
