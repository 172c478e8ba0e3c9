/**
 * The arithmetic the governance views show, kept apart from rendering so it is tested without a browser. The
 * thresholds themselves come from the node (RPC-18 `rules`): this file only applies the one comparison the node
 * states for every rule, "more than numerator/denominator of a base", with bigints so a line is never off by a
 * rounding.
 */
import type { BlockSummary, GovernanceInfo, ProposalKind, TallyInfo, ValidatorInfo } from '@babychain/client';
import { addressPrefix, decodeAddress, toHex } from '@babychain/client';

export type Rules = GovernanceInfo['rules'];
export type Share = Rules['quorum'];

/** The power a share is taken of, for a tally (RPC-18: "total", "voted" or "yes+no+veto"). */
export function baseOf(t: TallyInfo, of: Share['of']): bigint {
  const nonAbstain = t.yes + t.no + t.veto;
  return of === 'total' ? t.totalPower : of === 'voted' ? nonAbstain + t.abstain : nonAbstain;
}

export function meets(part: bigint, base: bigint, share: Share): boolean {
  return part * BigInt(share.denominator) > base * BigInt(share.numerator);
}

/** The least power that meets `share` of `base`: what a voter still needs to reach. */
export function neededPower(base: bigint, share: Share): bigint {
  return (base * BigInt(share.numerator)) / BigInt(share.denominator) + 1n;
}

export function fraction(share: Share): string {
  return `${share.numerator}/${share.denominator}`;
}

/** One line a proposal is measured against: who counts, against what, and whether it is met now. */
export interface RuleLine {
  readonly key: 'quorum' | 'veto' | 'pass' | 'attestation';
  readonly label: string;
  readonly part: bigint;
  readonly base: bigint;
  readonly share: Share;
  readonly met: boolean;
  /** what meeting it means for the proposal */
  readonly effect: string;
}

const BASE_WORDS: Record<Share['of'], string> = {
  total: 'all voting power',
  voted: 'the power that voted',
  'yes+no+veto': 'yes, no and veto',
};

export function baseWords(of: Share['of']): string {
  return BASE_WORDS[of];
}

/** GOV-6's lines for a proposal of `kind` as its tally stands; attestations count for a grown-up chain's upgrade. */
export function ruleLines(
  kind: ProposalKind,
  t: TallyInfo,
  rules: Rules,
  attestation?: { readonly required: boolean; readonly power: bigint },
): RuleLine[] {
  const line = (key: RuleLine['key'], label: string, part: bigint, share: Share, effect: string): RuleLine => {
    const base = key === 'attestation' ? t.totalPower : baseOf(t, share.of);
    return { key, label, part, base, share, met: meets(part, base, share), effect };
  };
  const lines = [
    line('quorum', 'Quorum (votes cast)', baseOf(t, 'voted'), rules.quorum, 'else no quorum, deposit burnt'),
    line('veto', 'Veto', t.veto, rules.veto, 'vetoes, deposit burnt'),
    line('pass', 'Yes', t.yes, rules.pass[kind], 'passes'),
  ];
  if (kind === 'software-upgrade' && attestation?.required === true) {
    lines.push(line('attestation', 'Release attested', attestation.power, rules.attestation, 'needed to pass'));
  }
  return lines;
}

/** Blocks until `target` from the last committed `height`: none once it is reached. */
export function blocksLeft(target: bigint, height: bigint): bigint {
  return target > height ? target - height : 0n;
}

/** "1 block", "12 blocks" */
export function blocksText(n: bigint): string {
  return `${n} ${n === 1n ? 'block' : 'blocks'}`;
}

/** The time `blocks` more blocks take at the node's median block time; null while it has none. */
export function estimateMs(blocks: bigint, blockTimeMs: number | null | undefined): number | null {
  if (blockTimeMs === null || blockTimeMs === undefined || !Number.isFinite(blockTimeMs) || blockTimeMs <= 0) {
    return null;
  }
  return Number(blocks) * blockTimeMs;
}

/** "about 1 h 5 min", "about 42 s": an estimate, so no more precision than it has. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${s} s`;
  if (s < 3600) return `about ${Math.floor(s / 60)} min ${s % 60} s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `about ${h} h ${Math.floor((s % 3600) / 60)} min`;
  return `about ${Math.round(h / 24)} days`;
}

/** A validator as governance knows it (GOV-1: it acts through its operator), with the hex the record uses. */
export interface Voter {
  readonly name: string;
  readonly power: bigint;
  /** lowercase hex of the operator's 20 bytes, as `ready.validators` and attestations name it */
  readonly voter: string;
}

/** What the proposal and plan sections read: the record, where the chain is, how fast it goes, who votes. */
export interface SectionProps {
  readonly gov: GovernanceInfo;
  readonly height: bigint;
  readonly blockTimeMs: number | null;
  readonly voters: readonly Voter[];
}

export function votersOf(validators: readonly ValidatorInfo[]): Voter[] {
  return validators.map((v) => ({
    name: v.name,
    power: v.power,
    voter: toHex(decodeAddress(v.operator, addressPrefix(v.operator))),
  }));
}

export function powerOf(voters: readonly Voter[], hexes: readonly string[]): bigint {
  const set = new Set(hexes);
  return voters.reduce((sum, v) => (set.has(v.voter) ? sum + v.power : sum), 0n);
}

export interface BuildAttestation {
  readonly platform: string;
  readonly sha256: string;
  /** the manifest's artifact for the platform has this sha256 */
  readonly matches: boolean;
}

/** Each voter's attestations of `planName` against the manifest's artifacts (UPG-7). */
export function attestationsBy(
  voter: string,
  planName: string,
  attestations: GovernanceInfo['attestations'],
  artifacts: readonly { readonly platform: string; readonly sha256: string }[],
): BuildAttestation[] {
  return attestations
    .filter((a) => a.validator === voter && a.planName === planName)
    .map((a) => ({
      platform: a.platform,
      sha256: a.sha256,
      matches: artifacts.some((x) => x.platform === a.platform && x.sha256 === a.sha256),
    }));
}

/** The voters that attested `planName` with a digest the manifest lists, and their power. */
export function attestedPower(
  voters: readonly Voter[],
  planName: string,
  attestations: GovernanceInfo['attestations'],
): bigint {
  const attesters = attestations.filter((a) => a.planName === planName).map((a) => a.validator);
  return powerOf(voters, [...new Set(attesters)]);
}

/**
 * The pause at a switch (UPG-4): header time of the first block under the new app version (the plan height, UPG-3)
 * minus that of the block before it. Null until both are committed.
 */
export function switchGapMs(blocks: readonly BlockSummary[], height: bigint): number | null {
  const before = blocks.find((b) => b.height === height - 1n);
  const first = blocks.find((b) => b.height === height);
  return before === undefined || first === undefined ? null : Number(first.timeMs - before.timeMs);
}

export function formatGap(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
