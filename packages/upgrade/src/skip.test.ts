// UPG-9: a plan skipped at its height by a node-local choice. What must hold for the chain to stay one chain: every
// skipping node computes the same record whatever handlers it has, and the skip changes nothing anywhere else.
import { toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import {
  alice,
  attest,
  expectCode,
  LINUX,
  plan,
  ready,
  scheduled,
  submitUpgrade,
  v0,
  v1,
  v2,
  vote,
} from './governance.testutil.ts';
import type { UpgradeHandler } from './governance.ts';
import { VoteOption } from './tally.ts';

const SKIP_20 = { skipHeights: new Set([20n]) };

describe('skipping a plan at its height (UPG-9)', () => {
  it('executes the plan height under the old app version and removes the plan as a cancel does', () => {
    const chain = scheduled([], 20n, SKIP_20);
    chain.run(ready(v0, 'v1'), attest(v0, 'v1', LINUX));
    chain.advanceTo(20n);
    const before = chain.state;
    // UPG-3 under the skip: the plan's version never comes into force
    expect(chain.gov.versionAt(chain.record, 19n)).toBe(0);
    expect(chain.gov.versionAt(chain.record, 20n)).toBe(0);

    chain.block(); // block 20: no halt, no migration
    const after = chain.state;
    expect(after.plan).toBeUndefined();
    expect(after.planDecision).toBeUndefined();
    expect(after.ready).toEqual([]);
    expect(after.attestations).toEqual([]);
    expect(after.appVersion).toBe(before.appVersion);
    expect(after.version).toBe(before.version);
    expect(after.applied).toEqual([]);
    chain.advanceTo(25n);
    expect(chain.gov.versionAt(chain.record, 25n)).toBe(0);
    expect(chain.gov.view(chain.record)).toMatchObject({ appVersion: 0, scheduled: undefined });
  });

  it('computes the same record with or without the handler installed, and runs no migration', () => {
    let migrated = 0;
    const handler: UpgradeHandler = {
      name: 'v1',
      appVersion: 1,
      migrate: () => {
        migrated += 1;
      },
    };
    const withHandler = scheduled([handler], 20n, SKIP_20);
    const without = scheduled([], 20n, SKIP_20);
    for (const chain of [withHandler, without]) {
      chain.run(ready(v1, 'v1'));
      chain.advanceTo(22n);
    }
    expect(migrated).toBe(0);
    expect(toHex(withHandler.record)).toBe(toHex(without.record));
    expect(withHandler.state.appVersion).toBe(0);
  });

  it('changes nothing when no plan is at the skip height', () => {
    const chain = scheduled([], 20n, { skipHeights: new Set([19n, 21n]) });
    chain.advanceTo(20n);
    expect(chain.gov.versionAt(chain.record, 20n)).toBe(1);
    expectCode(() => chain.block(), 'UPG_NEEDED');
    expect(chain.height).toBe(20n);
  });

  it('leaves the name unapplied, so the fixed release may be proposed under it again (UPG-2)', () => {
    const chain = scheduled([], 20n, SKIP_20);
    chain.advanceTo(21n);
    chain.run(submitUpgrade(alice, plan('v1', 40n)));
    chain.run(vote(v0, 2n, VoteOption.YES), vote(v1, 2n, VoteOption.YES), vote(v2, 2n, VoteOption.YES));
    chain.advanceTo(33n);
    expect(chain.gov.view(chain.record).scheduled).toEqual({ name: 'v1', height: 40n, appVersion: 1 });
    // a skip height is one height: the new plan at 40 is halted for as UPG-4 says
    chain.advanceTo(40n);
    expectCode(() => chain.block(), 'UPG_NEEDED');
  });
});
