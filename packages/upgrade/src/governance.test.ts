// Governance: the record (GOV-3), its four actions and their checks, and submitting a proposal (GOV-4, UPG-2).
import { createHash } from 'node:crypto';
import { toHex } from '@babychain/codec';
import type { AccountAccess } from '@babychain/state';
import { describe, expect, it } from 'vitest';
import {
  alice,
  bob,
  expectCode,
  plan,
  ready,
  release,
  scheduled,
  signers,
  submitCancel,
  submitParams,
  submitUpgrade,
  TEST_GOV_PARAMS,
  TestChain,
  testGenesis,
  tx,
  v0,
  v1,
  v2,
  vote,
} from './governance.testutil.ts';
import { createGovernance, type MigrationContext } from './governance.ts';
import { ProposalStatus, VoteOption } from './tally.ts';
import { genesisSet } from './validators.ts';

const { YES, NO, ABSTAIN, VETO } = VoteOption;

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
    const genesisSets = { last: genesisSet(genesis), current: genesisSet(genesis), next: genesisSet(genesis) };
    expect(chain.gov.view(chain.record)).toEqual({
      params: genesis.params,
      validators: genesisSets,
      appVersion: 0,
      scheduled: undefined,
    });
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
    expect(chain.gov.view(chain.record)).toMatchObject({
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
