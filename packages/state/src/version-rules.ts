/**
 * `rulesFor` once per app version, with a fingerprint of its rules that every remembered verdict carries
 * (verdicts.ts). Apart from rules.ts because a release replaces rules.ts whole (devnet/upgrades) and this must stay.
 */
import type { ChainRules } from './rules.ts';

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
