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

/** The rules of one app version and their fingerprint, which every remembered verdict carries (verdicts.ts). */
export interface VersionRules {
  readonly rules: ChainRules;
  readonly key: string;
}

/** `rulesOf` once per app version, with the fingerprint of every field. */
export function versionRules(rulesOf: (appVersion: number) => ChainRules): (appVersion: number) => VersionRules {
  const known = new Map<number, VersionRules>();
  return (version) => {
    let found = known.get(version);
    if (found === undefined) {
      const rules = rulesOf(version);
      // A fingerprint of every field, so a rule added later cannot be forgotten by the cache's comparison.
      found = { rules, key: JSON.stringify(rules) };
      known.set(version, found);
    }
    return found;
  };
}
