/**
 * What a `Mempool` is built with: its options, the limits' defaults and floors, and their validation
 * (MEMPOOL_INVALID_OPTION). Kept out of pool.ts, which holds the pool's behaviour alone.
 */
import { BabyError } from '@babychain/codec';
import type { MempoolApp } from './app.ts';
import { MempoolErrorCode } from './errors.ts';
import type { AccountView, AdmittedTx } from './types.ts';

export interface MempoolOptions {
  /** transactions for any other chain fail TX-5 (the stateless rules run without an `app`) */
  readonly chainId: string;
  /**
   * the application's mempool connection (state's `App`); without it, the stateless rules alone (`checkTxBytes`)
   * and no governance action rules
   */
  readonly app?: MempoolApp;
  /** the committed state at construction; `update` brings each next one */
  readonly view: AccountView;
  /** most transactions held (pending + queued) */
  readonly maxTxs?: number;
  /** most bytes held: the sum of the transactions' encodings */
  readonly maxBytes?: number;
  /** most transactions held per sender */
  readonly maxPerSender?: number;
  /** most transactions held that a given peer sent first */
  readonly maxPerPeer?: number;
  /** highest nonce accepted: committed nonce + this */
  readonly maxNonceGap?: number;
  /** a replacement's fee must be at least this many percent above the fee it replaces */
  readonly rbfBumpPercent?: number;
  /** a transaction queued behind a nonce gap for this many blocks is dropped */
  readonly queuedTtlBlocks?: number;
  /**
   * how many committed and statelessly-invalid ids are remembered at least (at most twice as many), to refuse them
   * again without verifying
   */
  readonly cacheSize?: number;
  /** milliseconds clock for ages in `stats()`; Date.now by default */
  readonly now?: () => number;
  /** told about each admitted transaction, after the pool is consistent again (wire a GossipBatcher here) */
  readonly onAdmitted?: (tx: AdmittedTx) => void;
  /** told each time a peer sends a transaction that fails a stateless rule (TX_, CODEC_, CRYPTO_ codes) */
  readonly onInvalidFromPeer?: (peer: string, code: string) => void;
}

export type Limits = Required<
  Pick<
    MempoolOptions,
    | 'maxTxs'
    | 'maxBytes'
    | 'maxPerSender'
    | 'maxPerPeer'
    | 'maxNonceGap'
    | 'rbfBumpPercent'
    | 'queuedTtlBlocks'
    | 'cacheSize'
  >
>;

export const MEMPOOL_DEFAULTS: Readonly<Limits> = Object.freeze({
  maxTxs: 20_000,
  maxBytes: 64 * 1024 * 1024,
  maxPerSender: 16,
  maxPerPeer: 10_000,
  maxNonceGap: 16,
  rbfBumpPercent: 10,
  queuedTtlBlocks: 20,
  cacheSize: 20_000,
});

const MINIMUM: Readonly<Limits> = Object.freeze({
  maxTxs: 1,
  maxBytes: 1,
  maxPerSender: 1,
  maxPerPeer: 1,
  maxNonceGap: 0,
  rbfBumpPercent: 0,
  queuedTtlBlocks: 1,
  cacheSize: 0,
});

export function resolveLimits(options: MempoolOptions): Limits {
  const limits = { ...MEMPOOL_DEFAULTS };
  for (const key of Object.keys(MEMPOOL_DEFAULTS) as (keyof Limits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < MINIMUM[key]) {
      throw new BabyError(
        MempoolErrorCode.INVALID_OPTION,
        `mempool option ${key} must be an integer >= ${MINIMUM[key]}, got ${value}`,
        { option: key, value },
      );
    }
    limits[key] = value;
  }
  return limits;
}
