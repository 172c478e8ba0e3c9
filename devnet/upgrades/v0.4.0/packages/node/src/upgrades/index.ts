/**
 * A broken release, on purpose: it fails as it starts, before its first commit, so the launcher must restore the
 * backup and the previous release (LCH-6). The devnet's rollback scenario switches to it.
 */
import type { UpgradeHandler } from '@babychain/upgrade';

throw new Error('release 0.4.0 cannot start: this build is broken on purpose (rollback scenario)');

export const UPGRADE_HANDLERS: readonly UpgradeHandler[] = [];
