/**
 * The upgrade handlers this release carries (specs/governance.md UPG-4): one per plan it can switch the chain to,
 * with the plan's migration. A release without the handler of a scheduled plan halts at its height; a release
 * with it refuses to start before (UPG-5). A new release adds its plan's handler here.
 */
import type { UpgradeHandler } from '@babychain/upgrade';
import { v0_2_0 } from './v0.2.0.ts';

export const UPGRADE_HANDLERS: readonly UpgradeHandler[] = [v0_2_0];
