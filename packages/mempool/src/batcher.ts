import { BabyError } from '@babychain/codec';
import { MempoolErrorCode } from './errors.ts';
import type { TxOrigin } from './types.ts';

/** The timer functions the batcher uses; inject a fake one in tests. */
export interface BatchTimer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface GossipBatcherOptions {
  /** flush once a batch holds this many transactions */
  readonly maxBatchTxs?: number;
  /** flush before a batch's summed transaction bytes would exceed this (a larger transaction goes alone) */
  readonly maxBatchBytes?: number;
  /** flush this long after the first transaction of a batch arrived */
  readonly maxDelayMs?: number;
  readonly timer?: BatchTimer;
}

export const GOSSIP_BATCH_DEFAULTS = Object.freeze({
  maxBatchTxs: 256,
  maxBatchBytes: 256 * 1024,
  maxDelayMs: 20,
});

const systemTimer: BatchTimer = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Collects newly admitted transactions and hands them to `send` in batches, because publishing one gossip message
 * per transaction tops out near 3.7k messages/s (docs/architecture.md, Performance facts). Transactions that arrived from a peer are not
 * collected: the gossip layer already relays the batch they came in, and the peer has them.
 */
export class GossipBatcher {
  readonly #send: (batch: Uint8Array[]) => void;
  readonly #maxTxs: number;
  readonly #maxBytes: number;
  readonly #maxDelayMs: number;
  readonly #timer: BatchTimer;
  #batch: Uint8Array[] = [];
  #bytes = 0;
  #handle: unknown;
  #armed = false;
  #closed = false;

  constructor(send: (batch: Uint8Array[]) => void, options: GossipBatcherOptions = {}) {
    this.#send = send;
    this.#maxTxs = positive('maxBatchTxs', options.maxBatchTxs ?? GOSSIP_BATCH_DEFAULTS.maxBatchTxs);
    this.#maxBytes = positive('maxBatchBytes', options.maxBatchBytes ?? GOSSIP_BATCH_DEFAULTS.maxBatchBytes);
    this.#maxDelayMs = positive('maxDelayMs', options.maxDelayMs ?? GOSSIP_BATCH_DEFAULTS.maxDelayMs, 0);
    this.#timer = options.timer ?? systemTimer;
  }

  /** Transactions waiting for the next flush. */
  get size(): number {
    return this.#batch.length;
  }

  /** Queues a transaction for gossip; false when it is not gossiped (it came from a peer, or the batcher is closed). */
  add(bytes: Uint8Array, origin: TxOrigin = {}): boolean {
    if (this.#closed || origin.peer !== undefined) return false;
    if (this.#batch.length > 0 && this.#bytes + bytes.length > this.#maxBytes) this.flush();
    this.#batch.push(bytes);
    this.#bytes += bytes.length;
    if (this.#batch.length >= this.#maxTxs || this.#bytes >= this.#maxBytes) {
      this.flush();
    } else if (!this.#armed) {
      this.#armed = true;
      this.#handle = this.#timer.setTimeout(() => {
        this.#armed = false;
        this.flush();
      }, this.#maxDelayMs);
    }
    return true;
  }

  /** Sends what is waiting now, if anything. */
  flush(): void {
    if (this.#armed) {
      this.#armed = false;
      this.#timer.clearTimeout(this.#handle);
    }
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    this.#send(batch);
  }

  /** Sends what is waiting and stops: later `add` calls return false. */
  close(): void {
    this.flush();
    this.#closed = true;
  }
}

function positive(option: string, value: number, minimum = 1): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new BabyError(
      MempoolErrorCode.INVALID_OPTION,
      `gossip batcher option ${option} must be an integer >= ${minimum}`,
      {
        option,
        value,
      },
    );
  }
  return value;
}
