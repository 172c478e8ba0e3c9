/**
 * The choice of what a full pool evicts for a newcomer (README, Eviction): a search over the held eviction heaps
 * that changes nothing when it fails. Kept out of pool.ts because it is the one place the pool trades one sender's
 * transactions for another's, and its rules are subtle enough to read alone.
 */
import { compareRated, type Rated } from './fee.ts';
import type { HeldTxs } from './held.ts';
import type { PoolTx } from './sender.ts';

/** The newcomer as the eviction search sees it. */
export interface Newcomer extends Rated {
  readonly senderKey: string;
  readonly nonce: bigint;
  readonly pending: boolean;
  readonly replaces: PoolTx | undefined;
}

/**
 * The transactions to evict so the newcomer fits: repeatedly the worst held one (lowest fee rate, newest on ties,
 * queued before pending on ties) with all of its sender's higher nonces, which could no longer execute. A queued
 * newcomer only displaces queued transactions. Undefined, with the heaps as they were, when the next one to evict
 * pays at least the newcomer's fee rate or nothing evictable is left: the pool is full for it.
 */
export function chooseVictims(
  held: HeldTxs,
  newcomer: Newcomer,
  overTxs: number,
  overBytes: number,
): PoolTx[] | undefined {
  const popped: PoolTx[] = [];
  const victims = new Set<PoolTx>();
  const restore = (keep: (tx: PoolTx) => boolean) => {
    for (const tx of popped) if (keep(tx)) held.heapOf(tx.status).push(tx);
  };
  let txs = overTxs;
  let bytes = overBytes;
  while (txs > 0 || bytes > 0) {
    const queued = held.queuedHeap.peek();
    const pending = newcomer.pending ? held.pendingHeap.peek() : undefined;
    let candidate: PoolTx | undefined;
    // Between the two worst, the queued one goes unless the pending one pays a strictly lower rate.
    if (queued !== undefined && (pending === undefined || compareRated(pending, queued) >= 0)) {
      candidate = held.queuedHeap.pop();
    } else if (pending !== undefined) {
      candidate = held.pendingHeap.pop();
    }
    if (candidate === undefined) {
      restore(() => true);
      return undefined;
    }
    popped.push(candidate);
    if (victims.has(candidate) || candidate === newcomer.replaces) continue;
    // Its own lower nonces are the newcomer's foundation: evicting one would strand it.
    if (candidate.sender.key === newcomer.senderKey && candidate.nonce < newcomer.nonce) continue;
    if (compareRated(candidate, newcomer) >= 0) {
      restore(() => true);
      return undefined;
    }
    for (const tx of candidate.sender.from(candidate.nonce)) {
      if (victims.has(tx) || tx === newcomer.replaces) continue;
      victims.add(tx);
      txs--;
      bytes -= tx.size;
    }
  }
  restore((tx) => !victims.has(tx));
  return [...victims];
}
