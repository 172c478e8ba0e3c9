import { BabyError } from '@babychain/codec';
import { UpgradeErrorCode } from './errors.ts';
import { handlerFor, handlerIndex, type UpgradeHandler } from './governance.ts';
import { decodeGovRecord } from './record.ts';

/** The highest app version software with `handlers` implements (0 with none: the genesis version). */
export function highestAppVersion(handlers: readonly UpgradeHandler[]): number {
  return handlers.reduce((max, h) => Math.max(max, h.appVersion), 0);
}

/**
 * The highest app version whose rules this software defines by itself, without an upgrade handler: 1, the
 * validator-set changes (specs/validators.md VAL-4). A genesis may start a chain at any app version up to it (GEN-5).
 */
export const NATIVE_APP_VERSION = 1;

/**
 * UPG-5: throws `UPG_EARLY_BINARY` when this software is the scheduled plan's and `nextHeight` is still below the
 * plan's height (the previous release must run until the halt), and `UPG_BINARY_TOO_OLD` when the app version in
 * force is above what it implements.
 */
export function checkStartup(
  record: Uint8Array,
  handlers: readonly UpgradeHandler[],
  nextHeight: bigint,
  genesisAppVersion = 0,
): void {
  const state = decodeGovRecord(record);
  const plan = state.plan;
  if (plan !== undefined && nextHeight < plan.height && handlerFor(handlerIndex(handlers), plan) !== undefined) {
    throw new BabyError(
      UpgradeErrorCode.EARLY_BINARY,
      `this software implements upgrade "${plan.name}" due at height ${plan.height}; the chain is at ${nextHeight}: run the previous release until then`,
      { rule: 'UPG-5', name: plan.name, height: plan.height, appVersion: plan.appVersion, nextHeight },
    );
  }
  const highest = highestAppVersion(handlers);
  const defined = Math.max(NATIVE_APP_VERSION, highest);
  if (genesisAppVersion > defined) {
    throw new BabyError(
      UpgradeErrorCode.BINARY_TOO_OLD,
      `the genesis starts the chain at app version ${genesisAppVersion}; this software defines at most ${defined}`,
      { rule: 'UPG-5', appVersion: genesisAppVersion, highest: defined },
    );
  }
  if (state.appVersion > highest) {
    throw new BabyError(
      UpgradeErrorCode.BINARY_TOO_OLD,
      `the chain runs app version ${state.appVersion}; this software implements at most ${highest}`,
      { rule: 'UPG-5', appVersion: state.appVersion, highest },
    );
  }
}
