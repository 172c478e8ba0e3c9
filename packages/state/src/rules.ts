// The protocol rules a release may change from its plan's app version on (specs/governance.md UPG-3): the App looks
// them up by the app version of the block it checks or executes, and mempool admission by the next block's.

/** The rules that depend on the app version in force. */
export interface ChainRules {
  /** TX-8: the most UTF-8 bytes a memo may have */
  readonly maxMemoBytes: number;
}

const V0: ChainRules = Object.freeze({ maxMemoBytes: 256 });

/**
 * The rules in force under `appVersion`. A release that changes a rule changes this function for the app versions
 * from its plan's on, and must keep answering the old values for lower versions: it re-executes the blocks below
 * the plan height during replay and sync, and they must give the same results as when they were committed.
 */
export function rulesFor(_appVersion: number): ChainRules {
  return V0;
}
