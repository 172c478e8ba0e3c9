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

/** What a share is of: all voting power, the power that voted, or the power that voted other than abstain. */
export type ShareBase = 'total' | 'voted' | 'yes+no+veto';

/** "More than `numerator/denominator` of `of`": every threshold of GOV-6 and UPG-6 has this form. */
export interface Share {
  readonly numerator: number;
  readonly denominator: number;
  readonly of: ShareBase;
}

/**
 * GOV-6's quorum and thresholds, UPG-7's attestation threshold and UPG-6's ready threshold, in one place: the tally
 * decides with them and `GET /upgrade` (RPC-18) carries them, so a console marks the same lines consensus applies.
 */
export const GOV_RULES = {
  /** step 1: fewer voted than this is NO_QUORUM */
  quorum: { numerator: 1, denominator: 3, of: 'total' },
  /** step 2 */
  veto: { numerator: 1, denominator: 3, of: 'voted' },
  /** steps 3 and 4: yes against this passes */
  pass: {
    // An upgrade that less than two thirds of the power runs would halt the chain; VAL-4: the set that signs the
    // chain decides who joins it, as it decides an upgrade.
    'software-upgrade': { numerator: 2, denominator: 3, of: 'total' },
    'validator-change': { numerator: 2, denominator: 3, of: 'total' },
    'cancel-upgrade': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
    'param-change': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
  },
  /** UPG-7: a grown-up chain's software upgrade also needs this much power attesting its release */
  attestation: { numerator: 1, denominator: 3, of: 'total' },
  /** UPG-6: the plan height commits only once this much power runs the new release (the 2f+1 of consensus) */
  ready: { numerator: 2, denominator: 3, of: 'total' },
} as const satisfies {
  quorum: Share;
  veto: Share;
  pass: Record<ProposalKind, Share>;
  attestation: Share;
  ready: Share;
};

/** Whether `part` is more than `share` of `base` (integers only: a rounding must never fork the chain). */
export function exceedsShare(part: bigint, base: bigint, share: Share): boolean {
  return part * BigInt(share.denominator) > base * BigInt(share.numerator);
}

/** The power `share` is taken of, for a tally. */
export function shareBase(tally: Tally, of: ShareBase): bigint {
  const nonAbstain = tally.yes + tally.no + tally.veto;
  return of === 'total' ? tally.totalPower : of === 'voted' ? nonAbstain + tally.abstain : nonAbstain;
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
  const r = GOV_RULES;
  const voted = shareBase(tally, 'voted');
  if (!exceedsShare(voted, shareBase(tally, r.quorum.of), r.quorum)) return ProposalStatus.NO_QUORUM;
  if (exceedsShare(tally.veto, shareBase(tally, r.veto.of), r.veto)) return ProposalStatus.VETOED;
  const pass = r.pass[kind];
  const enoughYes = exceedsShare(tally.yes, shareBase(tally, pass.of), pass);
  const attested =
    kind !== 'software-upgrade' || !ctx.grownUp || exceedsShare(ctx.attestedPower, tally.totalPower, r.attestation);
  return enoughYes && attested ? ProposalStatus.PASSED : ProposalStatus.REJECTED;
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
