import { createHash } from 'node:crypto';
import { toHex } from '@babychain/codec';
import type { AccountAccess } from '@babychain/state';
import { describe, expect, it } from 'vitest';
import {
  alice,
  attest,
  bob,
  CHAIN_ID,
  DARWIN,
  expectCode,
  LINUX,
  plan,
  ready,
  release,
  signers,
  submitCancel,
  submitParams,
  submitUpgrade,
  TEST_GOV_PARAMS,
  TestChain,
  testGenesis,
  tx,
  validators,
  vote,
} from './governance.testutil.ts';
import { createGovernance, type MigrationContext } from './governance.ts';
import { verifyManifest } from './manifest.ts';
import { decidedManifestContext } from './plan.ts';
import { versionInForce } from './record.ts';
import { ProposalStatus, VoteOption } from './tally.ts';

const [v0, v1, v2, v3] = validators;
const { YES, NO, ABSTAIN, VETO } = VoteOption;

/** a chain where plan `v1` at `height` passed at the end of block 11; the next block is 12 */
function scheduled(handlers: ConstructorParameters<typeof TestChain>[1] = [], height = 20n): TestChain {
  const chain = new TestChain(testGenesis(), handlers);
  chain.run(submitUpgrade(alice, plan('v1', height)));
  chain.run(vote(v0, 1n, YES), vote(v1, 1n, YES), vote(v2, 1n, YES));
  chain.advanceTo(12n);
  return chain;
}

function supply(chain: TestChain): bigint {
  let sum = 0n;
  for (const a of chain.accounts.values()) sum += a.balance;
  return sum;
}

describe('createGovernance', () => {
  it('keys the record by SHA-256("babychain/gov/v0") and executes the four governance actions', () => {
    const gov = createGovernance(testGenesis(), []);
    expect(toHex(gov.recordKey)).toBe(createHash('sha256').update('babychain/gov/v0').digest('hex'));
    expect([...gov.actions].sort()).toEqual(['attestRelease', 'signalReady', 'submitProposal', 'vote']);
  });

  it('leaves no record while governance is unused, and puts the genesis values in force', () => {
    const genesis = testGenesis();
    const chain = new TestChain(genesis);
    chain.block();
    chain.block();
    expect(chain.record).toEqual(new Uint8Array(0));
    expect(chain.gov.view(chain.record)).toEqual({ params: genesis.params, appVersion: 0, scheduled: undefined });
    expect(chain.gov.versionAt(chain.record, 1_000_000n)).toBe(0);
  });

  it('takes an upgrade from proposal to a migrated app version, running the migration exactly once', () => {
    const migrations: { appVersion: number; hadPlan: boolean; height: bigint }[] = [];
    const handler = {
      name: 'v1',
      appVersion: 1,
      migrate(ctx: MigrationContext) {
        migrations.push({ appVersion: ctx.gov.appVersion, hadPlan: ctx.gov.plan !== undefined, height: ctx.height });
        ctx.gov.params = { minFee: 777n, maxBlockBytes: 2048n, maxBlockTxs: 7 };
        const a = ctx.accounts.get(bob.address);
        ctx.accounts.set(bob.address, { balance: a.balance + 1n, nonce: a.nonce });
      },
    };
    const chain = new TestChain(testGenesis(), [handler]);

    chain.run(submitUpgrade(alice, plan('v1', 20n)));
    expect(chain.balance(alice)).toBe(99_000n);
    expect(chain.state.proposals).toMatchObject([{ id: 1n, votingEndHeight: 11n, submitHeight: 1n }]);
    expect(chain.state.nextProposalId).toBe(2n);

    chain.run(vote(v2, 1n, YES), vote(v0, 1n, YES), vote(v1, 1n, YES));
    expect(chain.state.proposals[0]?.votes.map((v) => toHex(v.voter))).toEqual(
      [v0, v1, v2].map((v) => toHex(v.address)).sort(),
    );
    chain.advanceTo(11n);
    expect(chain.gov.blockTouches(chain.record, 11n)).toEqual([alice.address]);
    expect(chain.gov.view(chain.record).scheduled).toBeUndefined();
    chain.block(); // block 11: the tally
    expect(chain.state.results).toMatchObject([
      { id: 1n, status: ProposalStatus.PASSED, endHeight: 11n, reason: '', tally: { yes: 30n, totalPower: 40n } },
    ]);
    expect(chain.balance(alice)).toBe(100_000n);
    expect(chain.gov.view(chain.record).scheduled).toEqual({ name: 'v1', height: 20n, appVersion: 1 });
    expect(chain.gov.versionAt(chain.record, 19n)).toBe(0);
    expect(chain.gov.versionAt(chain.record, 20n)).toBe(1);

    chain.run(ready(v1, 'v1'), ready(v0, 'v1'));
    expect(chain.state.ready.map((r) => toHex(r))).toEqual([v0, v1].map((v) => toHex(v.address)).sort());
    chain.advanceTo(20n);

    // Software without the handler halts here instead of executing the block.
    const old = createGovernance(chain.genesis, []);
    const noAccess: AccountAccess = {
      get: () => ({ balance: 0n, nonce: 0n }),
      set: () => {
        throw new Error('must not write');
      },
    };
    const err = expectCode(() => old.begin(chain.record, { height: 20n, timeMs: 0n }, noAccess), 'UPG_NEEDED');
    expect(err.meta).toMatchObject({ rule: 'UPG-4', name: 'v1', height: 20n, appVersion: 1, version: '1.1.0' });
    expect(migrations).toEqual([]);

    chain.block(); // block 20: the migration, then the bookkeeping
    chain.advanceTo(25n);
    expect(migrations).toEqual([{ appVersion: 0, hadPlan: true, height: 20n }]);
    expect(chain.balance(bob)).toBe(501n);
    const state = chain.state;
    expect(state.appVersion).toBe(1);
    expect(state.version).toBe('1.1.0');
    expect(state.applied).toEqual([{ name: 'v1', height: 20n, appVersion: 1, version: '1.1.0' }]);
    expect(state.plan).toBeUndefined();
    expect(state.ready).toEqual([]);
    expect(chain.gov.view(chain.record)).toEqual({
      params: { minFee: 777n, maxBlockBytes: 2048n, maxBlockTxs: 7 },
      appVersion: 1,
      scheduled: undefined,
    });
    expect(chain.gov.versionAt(chain.record, 25n)).toBe(1);
    // The old software can read the record but has nothing due to halt for any more.
    expect(() => old.begin(chain.record, { height: 25n, timeMs: 0n }, noAccess)).not.toThrow();
  });

  it('runs nothing and writes nothing when the migration throws (the App discards the block)', () => {
    const chain = scheduled([
      {
        name: 'v1',
        appVersion: 1,
        migrate: () => {
          throw new Error('migration bug');
        },
      },
    ]);
    chain.advanceTo(20n);
    const before = chain.record;
    expect(() => chain.block()).toThrow('migration bug');
    expect(chain.record).toBe(before);
    expect(chain.height).toBe(20n);
  });

  it('refuses two handlers for the same plan', () => {
    const h = { name: 'v1', appVersion: 1 };
    expect(() => createGovernance(testGenesis(), [h, { ...h }])).toThrow(/two upgrade handlers/);
  });
});

describe('checkAction', () => {
  const gov = createGovernance(testGenesis(), []);
  const body = (t: ReturnType<typeof tx>) => t.tx.body as NonNullable<ReturnType<typeof tx>['tx']['body']>;
  const titled = (title: string) => submitUpgrade(alice, plan('v1', 20n), 1000n, title);

  it('accepts titles of 1 to 140 UTF-8 bytes and refuses others with GOV_BAD_PROPOSAL', () => {
    gov.checkAction(body(titled('x')));
    gov.checkAction(body(titled('é'.repeat(70)))); // 140 bytes
    expectCode(() => gov.checkAction(body(titled(''))), 'GOV_BAD_PROPOSAL');
    expectCode(() => gov.checkAction(body(titled(`${'é'.repeat(70)}x`))), 'GOV_BAD_PROPOSAL');
  });

  it('refuses a proposal without content, or an upgrade without a plan', () => {
    const none = tx(alice, { case: 'submitProposal', value: { deposit: 1000n, title: 't' } });
    expectCode(() => gov.checkAction(body(none)), 'GOV_BAD_PROPOSAL');
    const empty = tx(alice, {
      case: 'submitProposal',
      value: { deposit: 1000n, title: 't', content: { case: 'softwareUpgrade', value: {} } },
    });
    expectCode(() => gov.checkAction(body(empty)), 'GOV_BAD_PROPOSAL');
  });

  it('accepts the four vote options and refuses any other with GOV_BAD_OPTION', () => {
    for (const option of [YES, NO, ABSTAIN, VETO]) gov.checkAction(body(vote(v0, 1n, option)));
    expectCode(() => gov.checkAction(body(vote(v0, 1n, 0))), 'GOV_BAD_OPTION');
    // the codec refuses to encode an unknown enum value; a decoded body can still carry one in memory
    const unknown = {
      ...body(vote(v0, 1n, YES)),
      action: { case: 'vote' as const, value: { proposalId: 1n, option: 5 } },
    };
    expectCode(() => gov.checkAction(unknown), 'GOV_BAD_OPTION');
  });
});

describe('submitting a proposal', () => {
  /** delivers `t` at the next block, which must throw `code` and change nothing */
  function refused(chain: TestChain, t: ReturnType<typeof tx>, code: string) {
    const record = chain.record;
    const balances = new Map(chain.accounts);
    let error: ReturnType<typeof expectCode> | undefined;
    chain.block((b) => {
      error = expectCode(() => b.deliver(t, 3), code);
    });
    expect(error?.meta['txIndex']).toBe(3);
    expect(chain.record).toEqual(record);
    expect(chain.accounts).toEqual(balances);
    return error;
  }

  it('checks the deposit, then the balance, then the proposal count, then the content', () => {
    const chain = new TestChain(testGenesis());
    refused(chain, submitUpgrade(alice, plan('v1', 30n), 999n), 'GOV_DEPOSIT_TOO_LOW');
    refused(chain, submitUpgrade(bob, plan('v1', 30n), 999n), 'GOV_DEPOSIT_TOO_LOW');
    refused(chain, submitUpgrade(bob, plan('v1', 30n), 1000n), 'TX_INSUFFICIENT_FUNDS');
    refused(chain, submitUpgrade(bob, plan('BAD', 30n), 1000n), 'TX_INSUFFICIENT_FUNDS');
    chain.run(...Array.from({ length: 16 }, () => submitParams(alice, { maturity: 1 })));
    expect(chain.state.proposals).toHaveLength(16);
    refused(chain, submitParams(alice, { maturity: 1 }), 'GOV_TOO_MANY_PROPOSALS');
    refused(chain, submitUpgrade(alice, plan('BAD', 30n)), 'GOV_TOO_MANY_PROPOSALS');
  });

  it('validates plans by UPG-2 in order', () => {
    const chain = new TestChain(testGenesis());
    // Submitted at height 1: voting ends at 11, so the height must exceed 11 + 5.
    refused(chain, submitUpgrade(alice, plan('', 30n)), 'UPG_BAD_NAME');
    refused(chain, submitUpgrade(alice, plan('V1', 30n)), 'UPG_BAD_NAME');
    refused(chain, submitUpgrade(alice, plan('a'.repeat(65), 30n)), 'UPG_BAD_NAME');
    refused(chain, submitUpgrade(alice, plan('v1', 1n, { appVersion: 2 })), 'UPG_BAD_APP_VERSION');
    refused(chain, submitUpgrade(alice, plan('v1', 1n, { appVersion: 0 })), 'UPG_BAD_APP_VERSION');
    expect(chain.height).toBe(6n); // voting now ends at 16, so 21 is the first acceptable height
    refused(chain, submitUpgrade(alice, plan('v1', 21n, { urls: [] })), 'UPG_TOO_EARLY');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { urls: [] })), 'UPG_BAD_URL');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { urls: ['ftp://x'] })), 'UPG_BAD_URL');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { urls: Array(9).fill('https://x') })), 'UPG_BAD_URL');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { urls: [`https://${'x'.repeat(505)}`] })), 'UPG_BAD_URL');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { release: release({ planName: 'v2' }) })), 'REL_WRONG_PLAN');
    refused(chain, submitUpgrade(alice, plan('v1', 99n, { version: '1.01.0' })), 'REL_BAD_VERSION');
    refused(
      chain,
      submitUpgrade(alice, plan('v1', 99n, { release: release({ planName: 'v1', expiresMs: chain.timeMs }) })),
      'REL_EXPIRED',
    );
    refused(
      chain,
      submitUpgrade(alice, plan('v1', 99n, { release: release({ planName: 'v1', by: [signers[0] as never] }) })),
      'REL_TOO_FEW_SIGNATURES',
    );
    refused(
      chain,
      submitUpgrade(alice, plan('v1', 99n, { release: release({ planName: 'v1', by: signers }) })),
      'REL_UNKNOWN_SIGNER',
    );
    const { release: _, ...noRelease } = plan('v1', 99n);
    refused(chain, submitUpgrade(alice, noRelease), 'REL_BAD_MANIFEST');
    chain.run(submitUpgrade(alice, plan('v1', 99n, { urls: [`https://${'x'.repeat(504)}`] }))); // 512 bytes
    expect(chain.state.proposals).toHaveLength(1);
  });

  it('refuses a software upgrade while no release signer is configured', () => {
    const chain = new TestChain(testGenesis({ govParams: undefined }));
    refused(chain, submitUpgrade(alice, plan('v1', 99n), 10_000_000n), 'TX_INSUFFICIENT_FUNDS');
    const rich = new TestChain(
      testGenesis({ govParams: { ...TEST_GOV_PARAMS, releaseSigners: [], releaseThreshold: 0 } }),
    );
    refused(
      rich,
      submitUpgrade(alice, plan('v1', 99n, { release: release({ planName: 'v1', by: [] }) })),
      'REL_TOO_FEW_SIGNATURES',
    );
    refused(rich, submitUpgrade(alice, plan('v1', 99n)), 'REL_UNKNOWN_SIGNER');
  });

  it('validates cancels and parameter changes', () => {
    const chain = new TestChain(testGenesis());
    refused(chain, submitCancel(alice, 'Not a name'), 'UPG_BAD_NAME');
    refused(chain, submitParams(alice, {}), 'GOV_BAD_PARAMS');
    refused(
      chain,
      submitParams(alice, { params: { minFee: 1n, maxBlockBytes: 2048n, maxBlockTxs: 0 } }),
      'GOV_BAD_PARAMS',
    );
    refused(
      chain,
      submitParams(alice, { params: { minFee: 1n, maxBlockBytes: 10n, maxBlockTxs: 1 } }),
      'GOV_BAD_PARAMS',
    );
    refused(chain, submitParams(alice, { govParams: { ...TEST_GOV_PARAMS, releaseThreshold: 3 } }), 'GOV_BAD_PARAMS');
    refused(
      chain,
      submitParams(alice, { govParams: { ...TEST_GOV_PARAMS, grownUpVotingPeriod: 5n } }),
      'GOV_BAD_PARAMS',
    );
    chain.run(
      submitCancel(alice, 'anything'),
      submitParams(alice, { govParams: { ...TEST_GOV_PARAMS, minDeposit: 0n } }),
    );
    // Absent (zero) gov params fields take the GOV-2 defaults, as in a genesis.
    const stored = chain.state.proposals[1]?.content;
    expect(stored?.case === 'paramChange' && stored.value.govParams?.minDeposit).toBe(10_000_000n);
  });

  it('is all or nothing: a refused proposal leaves the block as if it was never sent', () => {
    const a = new TestChain(testGenesis());
    const b = new TestChain(testGenesis());
    a.block((blk) => {
      blk.deliver(submitParams(alice, { maturity: 1 }), 0);
      // passes the deposit and balance checks, fails on the content
      expectCode(() => blk.deliver(submitUpgrade(alice, plan('v1', 1n)), 1), 'UPG_TOO_EARLY');
      blk.deliver(vote(v0, 1n, YES), 2);
      expectCode(() => blk.deliver(vote(v1, 2n, YES), 3), 'GOV_UNKNOWN_PROPOSAL');
    });
    b.run(submitParams(alice, { maturity: 1 }), vote(v0, 1n, YES));
    expect(a.record).toEqual(b.record);
    expect(a.accounts).toEqual(b.accounts);
    expect(a.balance(alice)).toBe(99_000n);
  });
});

describe('voting', () => {
  it('lets only validators vote, on proposals in voting, a later vote replacing the earlier', () => {
    const chain = new TestChain(testGenesis());
    chain.run(submitParams(alice, { maturity: 1 }));
    chain.block((b) => {
      expectCode(() => b.deliver(vote(alice, 1n, YES), 0), 'GOV_NOT_VALIDATOR');
      expectCode(() => b.deliver(vote(v0, 2n, YES), 0), 'GOV_UNKNOWN_PROPOSAL');
      b.deliver(vote(v3, 1n, NO), 0);
      b.deliver(vote(v0, 1n, NO), 1);
      b.deliver(vote(v3, 1n, YES), 2);
    });
    const votes = chain.state.proposals[0]?.votes ?? [];
    const expected = [
      { voter: v0.address, option: NO },
      { voter: v3.address, option: YES },
    ].sort((x, y) => toHex(x.voter).localeCompare(toHex(y.voter)));
    expect(votes).toEqual(expected);
    chain.advanceTo(11n);
    chain.block((b) => b.deliver(vote(v1, 1n, YES), 0)); // the end height still takes votes
    expect(chain.state.results[0]?.tally).toMatchObject({ yes: 20n, no: 10n });
    chain.block((b) => expectCode(() => b.deliver(vote(v1, 1n, YES), 0), 'GOV_UNKNOWN_PROPOSAL'));
  });

  it('gives the same record whatever order the votes came in', () => {
    const a = new TestChain(testGenesis());
    const b = new TestChain(testGenesis());
    a.run(submitParams(alice, { maturity: 1 }));
    b.run(submitParams(alice, { maturity: 1 }));
    a.run(vote(v0, 1n, YES), vote(v1, 1n, NO), vote(v2, 1n, VETO));
    b.run(vote(v2, 1n, VETO), vote(v1, 1n, NO), vote(v0, 1n, YES));
    expect(a.record).toEqual(b.record);
  });
});

describe('the tally', () => {
  /** one proposal by alice (deposit 1000) voted on by validators of `powers`; returns the chain after its end */
  function decide(powers: bigint[], kind: 'upgrade' | 'params', votes: [number, number][]) {
    const chain = new TestChain(testGenesis({ powers }));
    chain.run(kind === 'upgrade' ? submitUpgrade(alice, plan('v1', 50n)) : submitParams(alice, { maturity: 1 }));
    chain.run(...votes.map(([i, option]) => vote(validators[i] as (typeof validators)[number], 1n, option)));
    chain.advanceTo(12n);
    return chain;
  }
  const statusOf = (chain: TestChain) => chain.state.results[0]?.status;

  it('burns the deposit without a quorum: voted power of exactly one third is not enough', () => {
    const chain = decide([1n, 1n, 1n], 'params', [[0, YES]]);
    expect(statusOf(chain)).toBe(ProposalStatus.NO_QUORUM);
    expect(chain.balance(alice)).toBe(99_000n);
    expect(supply(chain)).toBe(100_000n + 500n + 4n * 50_000n - 1000n);
    expect(
      statusOf(
        decide([1n, 1n, 1n], 'params', [
          [0, YES],
          [1, NO],
        ]),
      ),
    ).toBe(ProposalStatus.REJECTED);
  });

  it('burns a vetoed deposit: more than a third of the voted power', () => {
    const vetoed = decide([1n, 1n, 1n, 1n], 'params', [
      [0, YES],
      [1, YES],
      [2, VETO],
      [3, VETO],
    ]);
    expect(statusOf(vetoed)).toBe(ProposalStatus.VETOED);
    expect(vetoed.balance(alice)).toBe(99_000n);
    // exactly a third of the voted power is not a veto; 2 yes > 2 yes + 0 no + 1 veto is a pass
    const passed = decide([1n, 1n, 1n], 'params', [
      [0, YES],
      [1, YES],
      [2, VETO],
    ]);
    expect(statusOf(passed)).toBe(ProposalStatus.PASSED);
    expect(passed.balance(alice)).toBe(100_000n);
  });

  it('passes an upgrade only with more than two thirds of all power voting yes', () => {
    expect(
      statusOf(
        decide([1n, 1n, 1n], 'upgrade', [
          [0, YES],
          [1, YES],
        ]),
      ),
    ).toBe(ProposalStatus.REJECTED);
    expect(
      statusOf(
        decide([1n, 1n, 1n], 'upgrade', [
          [0, YES],
          [1, YES],
          [2, YES],
        ]),
      ),
    ).toBe(ProposalStatus.PASSED);
    const half = decide([10n, 10n, 10n, 10n], 'upgrade', [
      [0, YES],
      [1, YES],
    ]);
    expect(statusOf(half)).toBe(ProposalStatus.REJECTED);
    expect(half.balance(alice)).toBe(100_000n);
    expect(half.state.plan).toBeUndefined();
    // abstaining power counts for the quorum, not for the two thirds
    expect(
      statusOf(
        decide([10n, 10n, 10n, 10n], 'upgrade', [
          [0, YES],
          [1, YES],
          [2, ABSTAIN],
          [3, ABSTAIN],
        ]),
      ),
    ).toBe(ProposalStatus.REJECTED);
  });

  it('passes a parameter change on a majority of yes over yes, no and veto', () => {
    expect(
      statusOf(
        decide([10n, 10n, 10n, 10n], 'params', [
          [0, YES],
          [1, YES],
          [2, NO],
          [3, NO],
        ]),
      ),
    ).toBe(ProposalStatus.REJECTED);
    expect(
      statusOf(
        decide([10n, 10n, 10n, 10n], 'params', [
          [0, YES],
          [1, YES],
          [2, ABSTAIN],
          [3, ABSTAIN],
        ]),
      ),
    ).toBe(ProposalStatus.PASSED);
  });

  it('fails a passed upgrade whose release expired before the vote ended, refunding the deposit', () => {
    const chain = new TestChain(testGenesis());
    chain.run(submitUpgrade(alice, plan('v1', 50n, { release: release({ planName: 'v1', expiresMs: 5_000n }) })));
    chain.run(vote(v0, 1n, YES), vote(v1, 1n, YES), vote(v2, 1n, YES));
    chain.advanceTo(12n);
    expect(chain.state.results[0]).toMatchObject({ status: ProposalStatus.FAILED, reason: 'REL_EXPIRED' });
    expect(chain.state.plan).toBeUndefined();
    expect(chain.balance(alice)).toBe(100_000n);
  });

  it('keeps the last 64 results', () => {
    const chain = new TestChain(testGenesis());
    for (let i = 0; i < 70; i++) chain.run(submitParams(alice, { maturity: 1 }));
    chain.advanceTo(82n);
    const ids = chain.state.results.map((r) => r.id);
    expect(ids).toHaveLength(64);
    expect(ids[0]).toBe(7n);
    expect(ids[63]).toBe(70n);
    expect(chain.balance(alice)).toBe(100_000n - 70n * 1000n);
  });
});

describe('plans', () => {
  it('cancels a scheduled plan with its ready signals and attestations', () => {
    const chain = scheduled([], 40n);
    chain.run(ready(v0, 'v1'), attest(v0, 'v1', LINUX), submitCancel(alice, 'v1'));
    expect(chain.state.attestations).toHaveLength(1);
    chain.run(vote(v0, 2n, YES), vote(v1, 2n, YES), vote(v2, 2n, NO));
    chain.advanceTo(23n); // the cancel's voting ended at 12 + 10
    const state = chain.state;
    expect(state.results[1]).toMatchObject({ id: 2n, status: ProposalStatus.PASSED });
    expect(state.plan).toBeUndefined();
    expect(state.ready).toEqual([]);
    expect(state.attestations).toEqual([]);
    expect(chain.gov.versionAt(chain.record, 40n)).toBe(0);
    chain.advanceTo(45n); // no halt at 40 any more
    expect(chain.state.applied).toEqual([]);
  });

  it('fails a cancel of a plan that is not scheduled', () => {
    const chain = scheduled([], 40n);
    chain.run(submitCancel(alice, 'other'));
    chain.run(vote(v0, 2n, YES), vote(v1, 2n, YES), vote(v2, 2n, YES));
    chain.advanceTo(23n);
    expect(chain.state.results[1]).toMatchObject({ status: ProposalStatus.FAILED, reason: 'UPG_NO_SUCH_PLAN' });
    expect(chain.state.plan?.name).toBe('v1');
    expect(chain.balance(alice)).toBe(100_000n);
  });

  it('reschedules a plan of the same name and refuses one of another name while it is scheduled', () => {
    const chain = scheduled([], 40n);
    const newLinux = { platform: 'linux-x64', sha256: new Uint8Array(32).fill(7), size: 10n, unpackedSize: 40n };
    const moved = plan('v1', 60n, { release: release({ planName: 'v1', artifacts: [DARWIN, newLinux] }) });
    chain.run(
      ready(v0, 'v1'),
      ready(v1, 'v1'),
      attest(v0, 'v1', LINUX),
      attest(v1, 'v1', DARWIN),
      submitUpgrade(alice, moved),
      submitUpgrade(alice, plan('v2', 50n)),
    );
    chain.run(...[2n, 3n].flatMap((id) => [vote(v0, id, YES), vote(v1, id, YES), vote(v2, id, YES)]));
    chain.advanceTo(23n);
    const state = chain.state;
    expect(state.results.slice(1)).toMatchObject([
      { id: 2n, status: ProposalStatus.PASSED },
      { id: 3n, status: ProposalStatus.FAILED, reason: 'UPG_PLAN_CONFLICT' },
    ]);
    expect(chain.gov.view(chain.record).scheduled).toEqual({ name: 'v1', height: 60n, appVersion: 1 });
    expect(state.ready).toEqual([]);
    // the attestation of the replaced linux build is gone, the unchanged darwin build's stays
    expect(state.attestations.map((a) => [a.platform, toHex(a.validator)])).toEqual([
      ['darwin-arm64', toHex(v1.address)],
    ]);
    chain.run(attest(v0, 'v1', newLinux));
    expect(chain.state.attestations).toHaveLength(2);
    expect(chain.balance(alice)).toBe(100_000n);
  });

  it('takes ready signals from validators for the scheduled plan, once each, in address order', () => {
    const chain = new TestChain(testGenesis());
    chain.block((b) => expectCode(() => b.deliver(ready(v0, 'v1'), 0), 'UPG_NO_SUCH_PLAN'));
    const s = scheduled();
    s.block((b) => {
      expectCode(() => b.deliver(ready(alice, 'v1'), 0), 'GOV_NOT_VALIDATOR');
      expectCode(() => b.deliver(ready(v0, 'v2'), 0), 'UPG_NO_SUCH_PLAN');
      b.deliver(ready(v3, 'v1'), 0);
      b.deliver(ready(v2, 'v1'), 1);
      b.deliver(ready(v0, 'v1'), 2);
      expectCode(() => b.deliver(ready(v2, 'v1'), 3), 'UPG_ALREADY_READY');
    });
    expect(s.state.ready.map((r) => toHex(r))).toEqual([v0, v2, v3].map((v) => toHex(v.address)).sort());
  });

  it('takes attestations of a plan in voting that name one of its artifacts, once per platform', () => {
    const chain = new TestChain(testGenesis());
    chain.run(submitUpgrade(alice, plan('v1', 30n)));
    chain.block((b) => {
      expectCode(() => b.deliver(attest(alice, 'v1', LINUX), 0), 'GOV_NOT_VALIDATOR');
      expectCode(() => b.deliver(attest(v0, 'v9', LINUX), 0), 'UPG_NO_SUCH_PLAN');
      expectCode(() => b.deliver(attest(v0, 'v1', { ...LINUX, sha256: DARWIN.sha256 }), 0), 'UPG_DIGEST_MISMATCH');
      expectCode(() => b.deliver(attest(v0, 'v1', { ...LINUX, platform: 'linux-arm64' }), 0), 'UPG_DIGEST_MISMATCH');
      b.deliver(attest(v1, 'v1', LINUX), 0);
      b.deliver(attest(v0, 'v1', LINUX), 1);
      b.deliver(attest(v0, 'v1', DARWIN), 2);
      expectCode(() => b.deliver(attest(v0, 'v1', LINUX), 3), 'UPG_ALREADY_ATTESTED');
    });
    const expected = [
      [toHex(v1.address), 'linux-x64'],
      [toHex(v0.address), 'linux-x64'],
      [toHex(v0.address), 'darwin-arm64'],
    ].sort((x, y) =>
      x[0] === y[0] ? (x[1] as string).localeCompare(y[1] as string) : (x[0] as string).localeCompare(y[0] as string),
    );
    expect(chain.state.attestations.map((a) => [toHex(a.validator), a.platform])).toEqual(expected);
  });

  it('forgets attestations of an upgrade that ended without being scheduled', () => {
    const chain = new TestChain(testGenesis());
    chain.run(submitUpgrade(alice, plan('v1', 30n)));
    chain.run(attest(v0, 'v1', LINUX), vote(v0, 1n, NO), vote(v1, 1n, NO));
    chain.advanceTo(12n);
    expect(chain.state.results[0]?.status).toBe(ProposalStatus.REJECTED);
    expect(chain.state.attestations).toEqual([]);
  });

  it('refuses to reuse an applied name or release version', () => {
    const chain = scheduled([{ name: 'v1', appVersion: 1 }]);
    chain.advanceTo(21n);
    expect(chain.state.appVersion).toBe(1);
    const refuse = (t: ReturnType<typeof tx>, code: string) =>
      chain.block((b) => expectCode(() => b.deliver(t, 0), code));
    refuse(submitUpgrade(alice, plan('v1', 99n, { appVersion: 2 })), 'UPG_BAD_NAME');
    refuse(submitUpgrade(alice, plan('v2', 99n, { appVersion: 2 })), 'REL_VERSION_NOT_HIGHER');
    refuse(submitUpgrade(alice, plan('v2', 99n, { appVersion: 1, version: '1.2.0' })), 'UPG_BAD_APP_VERSION');
    refuse(submitCancel(alice, 'v1'), 'UPG_BAD_NAME');
    chain.run(submitUpgrade(alice, plan('v2', 99n, { appVersion: 2, version: '1.2.0' })));
  });
});

describe('the version in force (GOV-3) and the decision a plan is checked against (UPG-8)', () => {
  it('GOV-3, UPG-2: refuses a plan for the release the genesis starts on, which every launcher runs', () => {
    const chain = new TestChain(testGenesis({ releaseVersion: '1.1.0' }));
    chain.block((b) => expectCode(() => b.deliver(submitUpgrade(alice, plan('v1', 50n)), 0), 'REL_VERSION_NOT_HIGHER'));
    chain.run(submitUpgrade(alice, plan('v1', 50n, { version: '1.1.1' })));
  });

  it('UPG-2: refuses the plan names "." and "..", which would name directories outside a launcher\'s backups', () => {
    const chain = new TestChain(testGenesis());
    for (const name of ['.', '..']) {
      chain.block((b) => expectCode(() => b.deliver(submitUpgrade(alice, plan(name, 50n)), 0), 'UPG_BAD_NAME'));
      chain.block((b) => expectCode(() => b.deliver(submitCancel(alice, name), 0), 'UPG_BAD_NAME'));
    }
    chain.run(submitUpgrade(alice, plan('...', 50n)));
  });

  it('GOV-3: the version in force is the last applied release, else the genesis release', () => {
    const chain = scheduled([{ name: 'v1', appVersion: 1 }]);
    expect(versionInForce(chain.genesis, chain.state)).toBe('1.0.0');
    chain.advanceTo(21n);
    expect(versionInForce(chain.genesis, chain.state)).toBe('1.1.0');
  });

  it('UPG-8: records the block, time, version, signers and threshold the plan passed under, and clears them with it', () => {
    const chain = scheduled([{ name: 'v1', appVersion: 1 }]);
    expect(chain.state.planDecision).toEqual({
      height: 11n,
      timeMs: 11_000n,
      versionInForce: '1.0.0',
      releaseSigners: TEST_GOV_PARAMS.releaseSigners,
      releaseThreshold: 2,
    });
    chain.advanceTo(21n); // applied at 20
    expect(chain.state.plan).toBeUndefined();
    expect(chain.state.planDecision).toBeUndefined();
    const cancelled = scheduled([], 40n);
    cancelled.run(submitCancel(alice, 'v1'));
    cancelled.run(vote(v0, 2n, YES), vote(v1, 2n, YES), vote(v2, 2n, YES));
    cancelled.advanceTo(23n);
    expect(cancelled.state.plan).toBeUndefined();
    expect(cancelled.state.planDecision).toBeUndefined();
  });

  it('UPG-8: keeps the decision when the signer set changes after the plan passed', () => {
    const chain = scheduled([], 40n);
    const before = chain.state.planDecision;
    // A new signer set without either key that signed the release.
    const newSigners = {
      ...TEST_GOV_PARAMS,
      releaseSigners: [signers[2]?.publicKey as Uint8Array],
      releaseThreshold: 1,
    };
    chain.run(submitParams(alice, { govParams: newSigners }));
    chain.run(vote(v0, 2n, YES), vote(v1, 2n, YES));
    chain.advanceTo(23n);
    expect(chain.state.govParams?.releaseSigners).toEqual(newSigners.releaseSigners);
    expect(chain.state.planDecision).toEqual(before);
    // The release still verifies against the decision, whatever the signer set or the clock say now.
    const p = chain.state.plan as NonNullable<typeof chain.state.plan>;
    const ctx = decidedManifestContext(CHAIN_ID, p.name, chain.state.planDecision as NonNullable<typeof before>);
    expect(verifyManifest(p.release as NonNullable<typeof p.release>, ctx).version).toBe('1.1.0');
  });

  it('GOV-2, GOV-9: a parameter change cannot give release signers to a chain with no version in force', () => {
    const unsigned = { ...TEST_GOV_PARAMS, releaseSigners: [], releaseThreshold: 0 };
    const chain = new TestChain(testGenesis({ govParams: unsigned, releaseVersion: '' }));
    chain.block((b) =>
      expectCode(() => b.deliver(submitParams(alice, { govParams: TEST_GOV_PARAMS }), 0), 'GOV_BAD_PARAMS'),
    );
    const versioned = new TestChain(testGenesis({ govParams: unsigned }));
    versioned.run(submitParams(alice, { govParams: TEST_GOV_PARAMS }));
  });
});

describe('parameter changes and maturity', () => {
  it('replaces the params and gov params in force', () => {
    const chain = new TestChain(testGenesis());
    const params = { minFee: 9n, maxBlockBytes: 4096n, maxBlockTxs: 3 };
    chain.run(submitParams(alice, { params, govParams: { ...TEST_GOV_PARAMS, minDeposit: 5000n } }));
    chain.run(vote(v0, 1n, YES), vote(v1, 1n, YES));
    chain.advanceTo(12n);
    expect(chain.gov.view(chain.record).params).toEqual(params);
    chain.block((b) =>
      expectCode(() => b.deliver(submitParams(alice, { maturity: 1 }, 1000n), 0), 'GOV_DEPOSIT_TOO_LOW'),
    );
  });

  it('grows a baby up for good: longer periods for new proposals, attestations for upgrades', () => {
    const chain = new TestChain(testGenesis());
    chain.run(submitParams(alice, { maturity: 1 }));
    chain.run(submitUpgrade(alice, plan('v1', 50n))); // a baby's proposal: voting ends at 12
    chain.run(...[1n, 2n].flatMap((id) => validators.map((v) => vote(v, id, YES))));
    chain.advanceTo(12n);
    expect(chain.state.maturity).toBe(1);
    chain.block(); // block 12: unanimous, but a grown-up chain needs attestations
    expect(chain.state.results[1]).toMatchObject({ id: 2n, status: ProposalStatus.REJECTED });
    chain.run(submitParams(alice, { maturity: 1 }));
    expect(chain.state.proposals[0]?.votingEndHeight).toBe(13n + 20n);
  });

  it('needs attestations by more than a third of the power once grown up', () => {
    const run = (attesters: (typeof validators)[number][]) => {
      const chain = new TestChain(testGenesis({ grownUp: true }));
      // submitted at 1: voting ends at 21; the grown-up delay is 10
      chain.block((b) => expectCode(() => b.deliver(submitUpgrade(alice, plan('v1', 31n)), 0), 'UPG_TOO_EARLY'));
      // submitted at 2: voting ends at 22, so 33 is the first acceptable height
      chain.run(submitUpgrade(alice, plan('v1', 33n)));
      chain.run(...validators.map((v) => vote(v, 1n, YES)), ...attesters.map((v) => attest(v, 'v1', LINUX)));
      chain.advanceTo(24n);
      return chain.state.results[0]?.status;
    };
    expect(run([])).toBe(ProposalStatus.REJECTED);
    expect(run([v0])).toBe(ProposalStatus.REJECTED);
    expect(run([v0, v1])).toBe(ProposalStatus.PASSED);
  });
});

describe('blockTouches', () => {
  it('names the proposers whose deposits come back at a height, once each', () => {
    const chain = new TestChain(testGenesis());
    chain.run(
      submitParams(alice, { maturity: 1 }),
      submitParams(alice, { maturity: 1 }),
      submitParams(v0, { maturity: 1 }),
    );
    expect(chain.gov.blockTouches(chain.record, 11n)).toEqual([alice.address, v0.address]);
    expect(chain.gov.blockTouches(chain.record, 10n)).toEqual([]);
  });
});
