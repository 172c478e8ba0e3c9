/**
 * GOV-6: counting weighted votes and deciding a proposal's outcome, in integer arithmetic only (a float rounding
 * differently on two machines would fork the chain).
 */
import type { GovProposal, GovVote, Tally } from '@babychain/codec';

/** `babychain.v0.VoteOption` */
export const VoteOption = { UNSPECIFIED: 0, YES: 1, NO: 2, ABSTAIN: 3, VETO: 4 } as const;

/** `babychain.v0.ProposalStatus` */
export const ProposalStatus = {
  UNSPECIFIED: 0,
  PASSED: 1,
  REJECTED: 2,
  VETOED: 3,
  NO_QUORUM: 4,
  FAILED: 5,
} as const;

export type ProposalKind = 'software-upgrade' | 'cancel-upgrade' | 'param-change' | 'validator-change';

/** The votes' weights; a voter without power (never stored, GOV-1) counts 0. */
export function countVotes(
  votes: readonly GovVote[],
  powerOf: (voter: Uint8Array) => bigint,
  totalPower: bigint,
): Tally {
  const tally: Tally = { yes: 0n, no: 0n, abstain: 0n, veto: 0n, totalPower };
  for (const v of votes) {
    const power = powerOf(v.voter);
    if (v.option === VoteOption.YES) tally.yes += power;
    else if (v.option === VoteOption.NO) tally.no += power;
    else if (v.option === VoteOption.ABSTAIN) tally.abstain += power;
    else if (v.option === VoteOption.VETO) tally.veto += power;
  }
  return tally;
}

export interface OutcomeContext {
  /** GOV-7: the chain is grown up when the tally runs */
  readonly grownUp: boolean;
  /** UPG-7: the power of the validators that attested the upgrade's release (software upgrades only) */
  readonly attestedPower: bigint;
}

/**
 * GOV-6 steps 1 to 5: PASSED, VETOED, NO_QUORUM or REJECTED (FAILED is decided later, when a passing proposal
 * cannot take effect).
 */
export function tallyOutcome(kind: ProposalKind, tally: Tally, ctx: OutcomeContext): number {
  const { yes, no, abstain, veto, totalPower: total } = tally;
  const voted = yes + no + abstain + veto;
  if (3n * voted <= total) return ProposalStatus.NO_QUORUM;
  if (3n * veto > voted) return ProposalStatus.VETOED;
  if (kind === 'software-upgrade') {
    const enoughYes = 3n * yes > 2n * total;
    const attested = !ctx.grownUp || 3n * ctx.attestedPower > total;
    return enoughYes && attested ? ProposalStatus.PASSED : ProposalStatus.REJECTED;
  }
  // VAL-4: the set that signs the chain decides who joins it, as it decides an upgrade.
  if (kind === 'validator-change') return 3n * yes > 2n * total ? ProposalStatus.PASSED : ProposalStatus.REJECTED;
  return 2n * yes > yes + no + veto ? ProposalStatus.PASSED : ProposalStatus.REJECTED;
}

export type ProposalStatusName = 'passed' | 'rejected' | 'vetoed' | 'no-quorum' | 'failed';

/** the status's name as status and RPC show it */
export function statusName(status: number): ProposalStatusName {
  switch (status) {
    case ProposalStatus.PASSED:
      return 'passed';
    case ProposalStatus.REJECTED:
      return 'rejected';
    case ProposalStatus.VETOED:
      return 'vetoed';
    case ProposalStatus.NO_QUORUM:
      return 'no-quorum';
    case ProposalStatus.FAILED:
      return 'failed';
    default:
      // Only a finished proposal has a result, and every finished proposal has one of the five.
      throw new Error(`proposal status ${status} is not a finished one`);
  }
}

/** GOV-6: which rule of the tally a proposal's content falls under. */
export function proposalKind(p: { readonly content?: GovProposal['content'] }): ProposalKind {
  switch (p.content?.case) {
    case 'softwareUpgrade':
      return 'software-upgrade';
    case 'cancelUpgrade':
      return 'cancel-upgrade';
    case 'paramChange':
      return 'param-change';
    default:
      return 'validator-change';
  }
}
