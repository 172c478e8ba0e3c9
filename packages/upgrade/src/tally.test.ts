import type { Tally } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { countVotes, ProposalStatus, statusName, tallyOutcome, VoteOption } from './tally.ts';

const t = (yes: number, no: number, abstain: number, veto: number, total: number): Tally => ({
  yes: BigInt(yes),
  no: BigInt(no),
  abstain: BigInt(abstain),
  veto: BigInt(veto),
  totalPower: BigInt(total),
});
const baby = { grownUp: false, attestedPower: 0n };

describe('tallyOutcome', () => {
  it('needs more than a third of all power to have voted', () => {
    expect(tallyOutcome('param-change', t(1, 0, 0, 0, 3), baby)).toBe(ProposalStatus.NO_QUORUM);
    expect(tallyOutcome('param-change', t(0, 0, 0, 0, 3), baby)).toBe(ProposalStatus.NO_QUORUM);
    expect(tallyOutcome('param-change', t(1, 0, 1, 0, 5), baby)).toBe(ProposalStatus.PASSED);
  });

  it('vetoes on more than a third of the voted power, not on exactly a third', () => {
    expect(tallyOutcome('param-change', t(2, 0, 0, 1, 3), baby)).toBe(ProposalStatus.PASSED);
    expect(tallyOutcome('param-change', t(1, 0, 0, 1, 3), baby)).toBe(ProposalStatus.VETOED);
    expect(tallyOutcome('software-upgrade', t(6, 0, 0, 3, 9), baby)).toBe(ProposalStatus.REJECTED);
  });

  it('passes an upgrade on more than two thirds of all power, not exactly two thirds', () => {
    expect(tallyOutcome('software-upgrade', t(2, 0, 0, 0, 3), baby)).toBe(ProposalStatus.REJECTED);
    expect(tallyOutcome('software-upgrade', t(3, 0, 0, 0, 3), baby)).toBe(ProposalStatus.PASSED);
    expect(tallyOutcome('software-upgrade', t(67, 0, 0, 0, 100), baby)).toBe(ProposalStatus.PASSED);
    expect(tallyOutcome('software-upgrade', t(66, 0, 34, 0, 100), baby)).toBe(ProposalStatus.REJECTED);
  });

  it('needs attestations by more than a third of the power for an upgrade once grown up', () => {
    const all = t(3, 0, 0, 0, 3);
    expect(tallyOutcome('software-upgrade', all, { grownUp: true, attestedPower: 1n })).toBe(ProposalStatus.REJECTED);
    expect(tallyOutcome('software-upgrade', all, { grownUp: true, attestedPower: 2n })).toBe(ProposalStatus.PASSED);
    // parameter changes and cancels never need attestations
    expect(tallyOutcome('cancel-upgrade', all, { grownUp: true, attestedPower: 0n })).toBe(ProposalStatus.PASSED);
  });

  it('passes a cancel or parameter change on more yes than no plus veto, abstain aside', () => {
    expect(tallyOutcome('cancel-upgrade', t(2, 2, 0, 0, 4), baby)).toBe(ProposalStatus.REJECTED);
    expect(tallyOutcome('cancel-upgrade', t(3, 2, 0, 0, 5), baby)).toBe(ProposalStatus.PASSED);
    expect(tallyOutcome('param-change', t(1, 0, 3, 0, 4), baby)).toBe(ProposalStatus.PASSED);
  });

  it('stays exact at powers far beyond 2^53', () => {
    const total = 1n << 60n; // GEN-4's largest total
    const third = total / 3n; // 3 * third < total: one short of a third
    const big = (yes: bigint): Tally => ({ yes, no: 0n, abstain: 0n, veto: 0n, totalPower: total });
    expect(tallyOutcome('param-change', big(third), baby)).toBe(ProposalStatus.NO_QUORUM);
    expect(tallyOutcome('param-change', big(third + 1n), baby)).toBe(ProposalStatus.PASSED);
    const twoThirds = (2n * total) / 3n;
    expect(tallyOutcome('software-upgrade', big(twoThirds), baby)).toBe(ProposalStatus.REJECTED);
    expect(tallyOutcome('software-upgrade', big(twoThirds + 1n), baby)).toBe(ProposalStatus.PASSED);
  });
});

describe('countVotes', () => {
  it('weights each vote by its voter power', () => {
    const a = Uint8Array.of(1);
    const b = Uint8Array.of(2);
    const c = Uint8Array.of(3);
    const power = (v: Uint8Array) => BigInt((v[0] as number) * 10);
    const votes = [
      { voter: a, option: VoteOption.YES },
      { voter: b, option: VoteOption.VETO },
      { voter: c, option: VoteOption.ABSTAIN },
    ];
    expect(countVotes(votes, power, 100n)).toEqual({ yes: 10n, no: 0n, abstain: 30n, veto: 20n, totalPower: 100n });
  });
});

describe('statusName', () => {
  it('names the finished statuses as status shows them', () => {
    expect([1, 2, 3, 4, 5].map(statusName)).toEqual(['passed', 'rejected', 'vetoed', 'no-quorum', 'failed']);
  });
});
