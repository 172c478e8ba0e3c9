import { encode, toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import {
  alice,
  attest,
  DARWIN,
  LINUX,
  plan,
  ready,
  signers,
  submitParams,
  submitUpgrade,
  TestChain,
  testGenesis,
  validators,
  vote,
} from './governance.testutil.ts';
import { governanceStatus } from './status.ts';
import { GOV_RULES, VoteOption } from './tally.ts';

const [v0, v1, v2] = validators;

describe('governanceStatus', () => {
  it('describes a fresh chain from its genesis', () => {
    expect(governanceStatus(testGenesis(), new Uint8Array(0))).toEqual({
      maturity: 'baby',
      appVersion: 0,
      version: '',
      versionInForce: '1.0.0',
      releaseSigners: signers.slice(0, 2).map((s) => toHex(s.publicKey)),
      releaseThreshold: 2,
      plan: null,
      ready: { validators: [], power: '0', totalPower: '40' },
      attestations: [],
      proposals: [],
      results: [],
      applied: [],
      params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
      govParams: {
        minDeposit: '1000',
        babyVotingPeriod: '10',
        grownUpVotingPeriod: '20',
        babyUpgradeDelay: '5',
        grownUpUpgradeDelay: '10',
      },
      rules: GOV_RULES,
    });
    expect(governanceStatus(testGenesis({ grownUp: true }), new Uint8Array(0)).maturity).toBe('grown-up');
  });

  it('shows the scheduled plan, who is ready, attestations, proposals in voting and results', () => {
    const p = plan('v1', 40n);
    const chain = new TestChain(testGenesis());
    chain.run(submitUpgrade(alice, p));
    chain.run(vote(v0, 1n, VoteOption.YES), vote(v1, 1n, VoteOption.YES), vote(v2, 1n, VoteOption.YES));
    chain.advanceTo(12n);
    chain.run(ready(v0, 'v1'), attest(v1, 'v1', LINUX), submitParams(alice, { maturity: 1 }));
    chain.run(vote(v2, 2n, VoteOption.VETO));

    const status = governanceStatus(chain.genesis, chain.record);
    expect(status.plan).toEqual({
      name: 'v1',
      height: '40',
      appVersion: 1,
      version: '1.1.0',
      manifest: toHex(encode('babychain.v0.SignedManifest', p.release as NonNullable<typeof p.release>)),
      urls: ['https://releases.example/{sha256}'],
      artifacts: [DARWIN, LINUX].map((a) => ({
        platform: a.platform,
        sha256: toHex(a.sha256),
        size: a.size.toString(),
      })),
      // UPG-8: the block at whose end the proposal passed (height 11, time 11 000 ms), and what was in force then.
      decision: {
        height: '11',
        timeMs: '11000',
        versionInForce: '1.0.0',
        releaseSigners: signers.slice(0, 2).map((s) => toHex(s.publicKey)),
        releaseThreshold: 2,
      },
    });
    expect(status.ready).toEqual({ validators: [toHex(v0.address)], power: '10', totalPower: '40' });
    expect(status.attestations).toEqual([
      { planName: 'v1', validator: toHex(v1.address), platform: 'linux-x64', sha256: toHex(LINUX.sha256) },
    ]);
    expect(status.proposals).toEqual([
      {
        id: '2',
        title: 'params',
        kind: 'param-change',
        proposer: toHex(alice.address),
        deposit: '1000',
        submitHeight: '12',
        votingEndHeight: '22',
        // the canonical JSON of its content: absent messages null, the maturity enum by number (GROWN_UP = 1)
        content: { case: 'paramChange', value: { params: null, govParams: null, maturity: 1 } },
        tally: { yes: '0', no: '0', abstain: '0', veto: '10', totalPower: '40' },
      },
    ]);
    expect(status.results).toEqual([
      {
        id: '1',
        title: 'upgrade v1',
        status: 'passed',
        tally: { yes: '30', no: '0', abstain: '0', veto: '0', totalPower: '40' },
        endHeight: '11',
        reason: '',
      },
    ]);
    expect(JSON.parse(JSON.stringify(status))).toEqual(status); // plain JSON: no bigint, no bytes
  });

  it('lists applied upgrades with the release version now in force', () => {
    const chain = new TestChain(testGenesis(), [{ name: 'v1', appVersion: 1 }]);
    chain.run(submitUpgrade(alice, plan('v1', 20n)));
    chain.run(...validators.map((v) => vote(v, 1n, VoteOption.YES)));
    chain.advanceTo(21n);
    const status = governanceStatus(chain.genesis, chain.record);
    expect(status).toMatchObject({ appVersion: 1, version: '1.1.0', versionInForce: '1.1.0', plan: null });
    expect(status.applied).toEqual([{ name: 'v1', height: '20', appVersion: 1, version: '1.1.0' }]);
  });
});
