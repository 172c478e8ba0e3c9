// Governance: plans (UPG-6, UPG-7, GOV-10), the version in force (GOV-3, UPG-8), params and maturity (GOV-7, GOV-9).
import { toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import {
  alice,
  attest,
  CHAIN_ID,
  DARWIN,
  expectCode,
  LINUX,
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
  type tx,
  v0,
  v1,
  v2,
  v3,
  validators,
  vote,
} from './governance.testutil.ts';
import { verifyManifest } from './manifest.ts';
import { decidedManifestContext } from './plan.ts';
import { versionInForce } from './record.ts';
import { ProposalStatus, VoteOption } from './tally.ts';

const { YES, NO } = VoteOption;

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
