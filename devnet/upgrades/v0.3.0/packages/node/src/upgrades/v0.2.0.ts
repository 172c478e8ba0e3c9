// Release 0.2.0's plan: app version 1. Its migration halves the minimum fee, to 250 ubaby (STATE-4) in the same
// block that switches the chain to the new software.
import type { MigrationContext, UpgradeHandler } from '@babychain/upgrade';

export const V0_2_0_MIN_FEE = 250n;

export const v0_2_0: UpgradeHandler = {
  name: 'v0.2.0',
  appVersion: 1,
  migrate(ctx: MigrationContext): void {
    ctx.gov.params = { ...ctx.params, minFee: V0_2_0_MIN_FEE };
  },
};
