// Release 0.3.0's plan: app version 2. Its migration lowers the minimum fee again, to 200 ubaby.
import type { MigrationContext, UpgradeHandler } from '@babychain/upgrade';

export const V0_3_0_MIN_FEE = 200n;

export const v0_3_0: UpgradeHandler = {
  name: 'v0.3.0',
  appVersion: 2,
  migrate(ctx: MigrationContext): void {
    ctx.gov.params = { ...ctx.params, minFee: V0_3_0_MIN_FEE };
  },
};
