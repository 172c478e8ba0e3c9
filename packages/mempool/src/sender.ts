import type { CheckedTx } from '@babychain/state';
import type { TxStatus } from './types.ts';

/** One held transaction. Internal: the public API hands out bytes and hex ids only. */
export interface PoolTx {
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly bytes: Uint8Array;
  readonly size: number;
  /** `size` as a bigint, for fee-rate cross-multiplication */
  readonly sizeBig: bigint;
  readonly sender: SenderQueue;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** `fee` as a number when the exact fast comparison applies, else -1 (fee.ts) */
  readonly smallFee: number;
  /** amount + fee */
  readonly cost: bigint;
  /** arrival order, unique and increasing: the deterministic tie-break */
  readonly seq: number;
  /** a governance action, kept checked to run its state rules again after each block; undefined for a transfer */
  readonly action: CheckedTx | undefined;
  /** the peer that first sent it; undefined when submitted locally */
  readonly peer: string | undefined;
  status: TxStatus;
  /** block count (Mempool's) and clock time when it last became queued */
  queuedSince: number;
  queuedSinceMs: number;
  /** position in the pool's eviction heap for its status; -1 when in none */
  heapIndex: number;
}

/**
 * The transactions of one sender, in ascending nonce order. Pending ones are a prefix: the run of nonces contiguous
 * from the sender's committed nonce.
 */
export class SenderQueue {
  readonly address: Uint8Array;
  readonly key: string;
  /** ascending nonce, at most one per nonce */
  readonly txs: PoolTx[] = [];

  constructor(address: Uint8Array, key: string) {
    this.address = address;
    this.key = key;
  }

  get size(): number {
    return this.txs.length;
  }

  /** Index of the first transaction with a nonce >= `nonce`. */
  indexOf(nonce: bigint): number {
    let lo = 0;
    let hi = this.txs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.txs[mid] as PoolTx).nonce < nonce) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(nonce: bigint): PoolTx | undefined {
    const tx = this.txs[this.indexOf(nonce)];
    return tx !== undefined && tx.nonce === nonce ? tx : undefined;
  }

  insert(tx: PoolTx): void {
    const i = this.indexOf(tx.nonce);
    if (this.txs[i]?.nonce === tx.nonce) throw new Error(`sender ${this.key} already holds nonce ${tx.nonce}`);
    this.txs.splice(i, 0, tx);
  }

  delete(tx: PoolTx): boolean {
    const i = this.indexOf(tx.nonce);
    if (this.txs[i] !== tx) return false;
    this.txs.splice(i, 1);
    return true;
  }

  /** Transactions with a nonce >= `nonce`, ascending. */
  from(nonce: bigint): PoolTx[] {
    return this.txs.slice(this.indexOf(nonce));
  }
}
