// Governance: who votes on what (GOV-5), and how the tally decides a proposal and its deposit (GOV-6).
import { toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import {
  alice,
  expectCode,
  plan,
  release,
  submitParams,
  submitUpgrade,
  supply,
  TestChain,
  testGenesis,
  v0,
  v1,
  v2,
  v3,
  validators,
  vote,
} from './governance.testutil.ts';
import { ProposalStatus, VoteOption } from './tally.ts';

const { YES, NO, ABSTAIN, VETO } = VoteOption;

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

  it("counts a validator's vote through its operator, and not through its consensus key, once it names one (VAL-1)", () => {
    const chain = new TestChain(testGenesis({ operators: [alice] }));
    chain.run(submitParams(alice, { maturity: 1 }));
    chain.block((b) => {
      expectCode(() => b.deliver(vote(v0, 1n, YES), 0), 'GOV_NOT_VALIDATOR');
      b.deliver(vote(alice, 1n, YES), 0);
      b.deliver(vote(v1, 1n, YES), 1);
    });
    chain.advanceTo(12n);
    expect(chain.state.results[0]?.tally).toMatchObject({ yes: 20n, totalPower: 40n });
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
