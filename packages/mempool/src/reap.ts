/**
 * Block building's read of the pool (README, `reap`): pending transactions, best fee rate first, each sender's in
 * nonce order. Kept out of pool.ts because it only reads the senders' queues and changes nothing.
 */
import { compareRated } from './fee.ts';
import { Heap } from './heap.ts';
import type { PoolTx, SenderQueue } from './sender.ts';
import type { ReapLimits } from './types.ts';

interface ReapCursor {
  readonly sq: SenderQueue;
  index: number;
  tx: PoolTx;
}

/** True when `a` goes into a block before `b`: higher fee rate, or the same rate and older. */
function reapsBefore(a: PoolTx, b: PoolTx): boolean {
  const c = compareRated(a, b);
  return c > 0 || (c === 0 && a.seq < b.seq);
}

/**
 * A heap of per-sender heads: after a sender's transaction its next pending nonce becomes its head. Stops at
 * `maxTxs`; a sender whose next transaction does not fit `maxBytes` contributes nothing further.
 */
export function reapPending(senders: Iterable<SenderQueue>, limits: ReapLimits): Uint8Array[] {
  const maxTxs = limits.maxTxs ?? Number.POSITIVE_INFINITY;
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const heads: ReapCursor[] = [];
  for (const sq of senders) {
    const tx = sq.txs[0];
    if (tx?.status === 'pending') heads.push({ sq, index: 0, tx });
  }
  const heap = new Heap<ReapCursor>((a, b) => reapsBefore(a.tx, b.tx), undefined, heads);
  const out: Uint8Array[] = [];
  let bytes = 0;
  while (out.length < maxTxs) {
    const head = heap.peek();
    if (head === undefined) break;
    if (bytes + head.tx.size > maxBytes) {
      heap.pop();
      continue;
    }
    out.push(head.tx.bytes);
    bytes += head.tx.size;
    const next = head.sq.txs[head.index + 1];
    if (next?.status === 'pending') {
      head.index++;
      head.tx = next;
      heap.updateAt(0);
    } else {
      heap.pop();
    }
  }
  return out;
}
