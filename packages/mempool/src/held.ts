/**
 * Where the pool's transactions are held: by id, by sender in nonce order, in the eviction heap of their status,
 * counted per status and per peer, with the governance actions apart. Kept out of pool.ts so that every index
 * changes together: `attach`, `detach` and `setStatus` are their only writers, and the pool decides only what moves.
 */
import { compareRated } from './fee.ts';
import { Heap } from './heap.ts';
import { type PoolTx, SenderQueue } from './sender.ts';
import type { TxStatus } from './types.ts';

/** True when `a` is a worse keep than `b`: lower fee rate, or the same rate and newer. */
function evictsBefore(a: PoolTx, b: PoolTx): boolean {
  const c = compareRated(a, b);
  return c < 0 || (c === 0 && a.seq > b.seq);
}

function setIndex(tx: PoolTx, index: number): void {
  tx.heapIndex = index;
}

export interface HeldCounts {
  readonly pendingTxs: number;
  readonly pendingBytes: number;
  readonly queuedTxs: number;
  readonly queuedBytes: number;
}

export class HeldTxs {
  readonly byId = new Map<string, PoolTx>();
  readonly senders = new Map<string, SenderQueue>();
  /** worst first; a transaction sits in the heap of its status */
  readonly pendingHeap = new Heap<PoolTx>(evictsBefore, setIndex);
  readonly queuedHeap = new Heap<PoolTx>(evictsBefore, setIndex);
  readonly peerHeld = new Map<string, number>();
  /** the governance actions held: rechecked after every block, whatever accounts it touched */
  readonly actions = new Set<PoolTx>();
  readonly #counts = { pendingTxs: 0, pendingBytes: 0, queuedTxs: 0, queuedBytes: 0 };

  get counts(): HeldCounts {
    return { ...this.#counts };
  }

  /** The sum of the held transactions' encodings. */
  get bytes(): number {
    return this.#counts.pendingBytes + this.#counts.queuedBytes;
  }

  /** The sender's queue, made empty when it holds nothing yet (`detach` forgets it once it is empty again). */
  queueOf(address: Uint8Array, key: string): SenderQueue {
    let sq = this.senders.get(key);
    if (sq === undefined) {
      sq = new SenderQueue(address, key);
      this.senders.set(key, sq);
    }
    return sq;
  }

  heapOf(status: TxStatus): Heap<PoolTx> {
    return status === 'pending' ? this.pendingHeap : this.queuedHeap;
  }

  attach(tx: PoolTx): void {
    this.byId.set(tx.idHex, tx);
    tx.sender.insert(tx);
    this.heapOf(tx.status).push(tx);
    this.#count(tx, 1);
    if (tx.action !== undefined) this.actions.add(tx);
    if (tx.peer !== undefined) this.peerHeld.set(tx.peer, (this.peerHeld.get(tx.peer) ?? 0) + 1);
  }

  detach(tx: PoolTx): void {
    if (!this.byId.delete(tx.idHex)) return;
    tx.sender.delete(tx);
    if (tx.sender.size === 0 && this.senders.get(tx.sender.key) === tx.sender) this.senders.delete(tx.sender.key);
    if (tx.heapIndex >= 0) this.heapOf(tx.status).removeAt(tx.heapIndex);
    this.#count(tx, -1);
    this.actions.delete(tx);
    if (tx.peer !== undefined) {
      const held = (this.peerHeld.get(tx.peer) ?? 1) - 1;
      if (held === 0) this.peerHeld.delete(tx.peer);
      else this.peerHeld.set(tx.peer, held);
    }
  }

  /** Moves a held transaction to the heap and counts of `status`; the caller stamps when it became queued. */
  setStatus(tx: PoolTx, status: TxStatus): void {
    if (tx.heapIndex >= 0) this.heapOf(tx.status).removeAt(tx.heapIndex);
    this.#count(tx, -1);
    tx.status = status;
    this.#count(tx, 1);
    this.heapOf(status).push(tx);
  }

  #count(tx: PoolTx, sign: 1 | -1): void {
    const c = this.#counts;
    if (tx.status === 'pending') {
      c.pendingTxs += sign;
      c.pendingBytes += sign * tx.size;
    } else {
      c.queuedTxs += sign;
      c.queuedBytes += sign * tx.size;
    }
  }
}
