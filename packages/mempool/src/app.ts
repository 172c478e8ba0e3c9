/**
 * The application as the mempool sees it: the calls admission and recheck make, in the mempool's own terms.
 * Declared where it is consumed, as CometBFT's `proxy/app_conn.go` gives the mempool its own connection
 * (AppConnMempool); state's `App` satisfies it structurally and the node wires it, so the mempool never holds the
 * application (docs/architecture.md, Packages and their layers).
 */
import type { CheckedTx } from '@babychain/state';
import type { Account } from './types.ts';

export interface MempoolApp {
  /**
   * TX-1..TX-13 for this chain; throws the first failing rule's BabyError. The same bytes always fail the same
   * way, so the pool remembers a failure by id and does not ask again.
   */
  checkTxStateless(bytes: Uint8Array): CheckedTx;
  /**
   * APP-1 for a governance action: its state rules against the committed state, given the sender's account from
   * the pool's view; throws the rule's BabyError. Run at admission and, for every action held, after each `update`:
   * what no longer passes is dropped. Without it actions pass on fee, nonce and balance alone.
   */
  checkActionState?(tx: CheckedTx, account: Account): void;
}
