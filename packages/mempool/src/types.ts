/** Committed state of one account (STATE-1). */
export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
}

/**
 * A read-only view of the last committed state. `account` is called on every admission and for every rechecked
 * sender after a block, so it must be an in-memory lookup; an address never seen is `{ balance: 0n, nonce: 0n }`.
 * The view must not change between two `update` calls.
 */
export interface AccountView {
  account(address: Uint8Array): Account;
  /** The chain parameter `min_fee` (STATE-4). */
  readonly minFee: bigint;
}

/** Where a transaction came from. No peer: submitted locally (RPC, wallet). */
export interface TxOrigin {
  readonly peer?: string;
}

export type TxStatus = 'pending' | 'queued';

/** Why a transaction left the pool. */
export type RemovalReason =
  /** it is in a committed block */
  | 'included'
  /** the chain's nonce for its sender passed it (a different transaction with that nonce was committed) */
  | 'stale_nonce'
  /** its fee is under a raised minimum fee */
  | 'fee_too_low'
  /** the sender's committed balance no longer covers it after its lower nonces */
  | 'insufficient_funds'
  /** it waited behind a nonce gap for `queuedTtlBlocks` blocks */
  | 'expired'
  /** pushed out by a better-paying transaction while the pool was full, or a lower nonce of its sender was */
  | 'evicted'
  /** a transaction with the same sender and nonce paying enough more took its place */
  | 'replaced'
  /** a governance action the committed state no longer lets execute (its proposal closed, its plan went) */
  | 'invalid';

export interface RemovedTx {
  /** 64 lowercase hex characters (TX-4) */
  readonly id: string;
  /** the sender address, hex */
  readonly sender: string;
  readonly nonce: bigint;
  readonly reason: RemovalReason;
}

/** Why a transaction this pool held will not be committed through it: what a wallet waiting for it is told. */
export interface DroppedTx {
  readonly reason: Exclude<RemovalReason, 'included'>;
  /** a stable code: the rule's (TX_BAD_NONCE, GOV_…) or a MEMPOOL_ policy code */
  readonly code: string;
  readonly message: string;
}

export interface AddResult {
  readonly id: Uint8Array;
  readonly idHex: string;
  /** pending: executable now (contiguous from the committed nonce); queued: held behind a nonce gap */
  readonly status: TxStatus;
  /** the id (hex) of the transaction this one replaced */
  readonly replaced?: string;
  /** other transactions this admission pushed out (eviction, or a replacement costing more than they can follow) */
  readonly removed?: readonly RemovedTx[];
}

export type BatchEntryResult =
  | ({ readonly ok: true } & AddResult)
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface UpdateResult {
  readonly removed: readonly RemovedTx[];
  /** how many removals per reason */
  readonly counts: Readonly<Record<RemovalReason, number>>;
  /** queued transactions that became pending */
  readonly promoted: number;
  /** pending transactions that became queued (a lower nonce was dropped) */
  readonly demoted: number;
}

export interface ReapLimits {
  /** the sum of the reaped transactions' encoded sizes stays at or under this */
  readonly maxBytes?: number;
  readonly maxTxs?: number;
}

export interface MempoolStats {
  readonly pendingTxs: number;
  readonly pendingBytes: number;
  readonly queuedTxs: number;
  readonly queuedBytes: number;
  readonly senders: number;
  /** blocks since the oldest queued transaction became queued; 0 when none is */
  readonly oldestQueuedBlocks: number;
  /** milliseconds since then (by the pool's clock); 0 when none is */
  readonly oldestQueuedMs: number;
  /** peers with at least one held transaction */
  readonly peers: number;
}

/** What `onAdmitted` is told about each admitted transaction. */
export interface AdmittedTx {
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
  readonly origin: TxOrigin;
  readonly status: TxStatus;
}
