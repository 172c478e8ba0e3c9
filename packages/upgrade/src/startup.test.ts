import { describe, expect, it } from 'vitest';
import {
  alice,
  expectCode,
  plan,
  submitUpgrade,
  TestChain,
  testGenesis,
  validators,
  vote,
} from './governance.testutil.ts';
import { checkStartup, highestAppVersion } from './startup.ts';
import { VoteOption } from './tally.ts';

const v1Handler = { name: 'v1', appVersion: 1 };

/** a chain with plan v1 due at 20, its record read at the next block 12 */
function scheduledChain(): TestChain {
  const chain = new TestChain(testGenesis(), [v1Handler]);
  chain.run(submitUpgrade(alice, plan('v1', 20n)));
  chain.run(...validators.map((v) => vote(v, 1n, VoteOption.YES)));
  chain.advanceTo(12n);
  return chain;
}

describe('checkStartup', () => {
  it('starts any software on a fresh chain', () => {
    const _genesis = testGenesis();
    checkStartup(new Uint8Array(0), [], 1n);
    checkStartup(new Uint8Array(0), [v1Handler], 1n);
  });

  it('refuses the new release before the plan height and accepts it at the height', () => {
    const chain = scheduledChain();
    const err = expectCode(() => checkStartup(chain.record, [v1Handler], 12n), 'UPG_EARLY_BINARY');
    expect(err.meta).toMatchObject({ rule: 'UPG-5', name: 'v1', height: 20n });
    expectCode(() => checkStartup(chain.record, [v1Handler], 19n), 'UPG_EARLY_BINARY');
    checkStartup(chain.record, [v1Handler], 20n);
    // the old release runs on until the halt
    checkStartup(chain.record, [], 12n);
    // another plan's handler is not this one
    checkStartup(chain.record, [{ name: 'v1', appVersion: 2 }], 12n);
  });

  it('refuses software older than the app version in force', () => {
    const chain = scheduledChain();
    chain.advanceTo(21n);
    expectCode(() => checkStartup(chain.record, [], 21n), 'UPG_BINARY_TOO_OLD');
    checkStartup(chain.record, [v1Handler], 21n);
  });
});

describe('highestAppVersion', () => {
  it('is the largest handler app version, 0 without handlers', () => {
    expect(highestAppVersion([])).toBe(0);
    expect(
      highestAppVersion([
        { name: 'a', appVersion: 3 },
        { name: 'b', appVersion: 1 },
      ]),
    ).toBe(3);
  });
});
