import type { Tx } from '@babychain/codec';

/** A transaction that passed every stateless rule (TX-1 to TX-12). */
export interface CheckedTx {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  /** TX-4 */
  readonly id: Uint8Array;
  /** ADDR-2 */
  readonly sender: Uint8Array;
}
