/** `baby gov show` for people: the governance record of GET /upgrade as sections of short lines. */
import type { Writable } from 'node:stream';
import type { GovernanceInfo, TallyInfo, UpgradeStatus } from '@babychain/client';
import { formatAmount, formatBaby } from '../chain.ts';

/** `part` as a share of `total`: `75%`, `33.3%`; a zero total is 0%. */
export function percent(part: bigint, total: bigint): string {
  if (total === 0n) return '0%';
  const tenths = (part * 1000n) / total;
  return tenths % 10n === 0n ? `${tenths / 10n}%` : `${tenths / 10n}.${tenths % 10n}%`;
}

function short(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 12)}…` : hex;
}

function tallyLine(t: TallyInfo): string {
  const voted = t.yes + t.no + t.abstain + t.veto;
  return (
    `yes ${percent(t.yes, t.totalPower)}, no ${percent(t.no, t.totalPower)}, ` +
    `abstain ${percent(t.abstain, t.totalPower)}, veto ${percent(t.veto, t.totalPower)} ` +
    `of ${t.totalPower} power (voted ${percent(voted, t.totalPower)})`
  );
}

/** GOV-7: the periods that apply to a proposal submitted now. */
export function periods(g: GovernanceInfo): { voting: bigint; delay: bigint } {
  const grown = g.maturity === 'grown-up';
  return {
    voting: grown ? g.govParams.grownUpVotingPeriod : g.govParams.babyVotingPeriod,
    delay: grown ? g.govParams.grownUpUpgradeDelay : g.govParams.babyUpgradeDelay,
  };
}

function header(info: UpgradeStatus): [string, string][] {
  const g = info.governance;
  const { voting, delay } = periods(g);
  return [
    ['chain', `${info.chainId} at height ${info.height}`],
    ['node', `${info.nodeVersion}${info.handlers.length > 0 ? ` (can apply: ${info.handlers.join(', ')})` : ''}`],
    [
      'app version',
      `${g.appVersion} (release ${g.versionInForce === '' ? 'not declared' : g.versionInForce} in force)`,
    ],
    [
      'maturity',
      `${g.maturity}: voting ${voting} blocks, upgrade delay ${delay} blocks${
        g.maturity === 'grown-up' ? ', upgrades need attestations of more than 1/3 of the power' : ''
      }`,
    ],
    ['min deposit', formatAmount(g.govParams.minDeposit)],
    [
      'release signers',
      g.releaseSigners.length === 0
        ? 'none (no software upgrade can pass)'
        : `${g.releaseThreshold} of ${g.releaseSigners.length}: ${g.releaseSigners.map(short).join(', ')}`,
    ],
  ];
}

function planLines(g: GovernanceInfo): string[] {
  const plan = g.plan;
  if (plan === null) return ['scheduled upgrade: none'];
  const lines = [
    'scheduled upgrade:',
    `  ${plan.name} at height ${plan.height}: app version ${plan.appVersion}, release ${plan.version}`,
    `  ready: ${percent(g.ready.power, g.ready.totalPower)} of voting power (${g.ready.power} of ${g.ready.totalPower}, ${g.ready.validators.length} validator${g.ready.validators.length === 1 ? '' : 's'})`,
    // UPG-8: what every launcher checks the release against, whatever the clock or the signer set say later.
    `  decided at height ${plan.decision.height} (${new Date(Number(plan.decision.timeMs)).toISOString()}): above release ${plan.decision.versionInForce === '' ? '""' : plan.decision.versionInForce}, signed by ${plan.decision.releaseThreshold} of the ${plan.decision.releaseSigners.length} signers of then`,
  ];
  for (const a of plan.artifacts) lines.push(`  artifact: ${a.platform} sha256 ${a.sha256} (${a.size} bytes)`);
  for (const url of plan.urls) lines.push(`  url: ${url}`);
  return lines;
}

function attestationLines(g: GovernanceInfo): string[] {
  if (g.attestations.length === 0) return ['attestations: none'];
  return [
    'attestations:',
    ...g.attestations.map((a) => `  ${a.planName} ${a.platform} ${short(a.sha256)} by ${short(a.validator)}`),
  ];
}

function proposalLines(g: GovernanceInfo): string[] {
  if (g.proposals.length === 0) return ['proposals in voting: none'];
  const lines = ['proposals in voting:'];
  for (const p of g.proposals) {
    lines.push(
      `  #${p.id} ${p.kind}${p.planName === undefined ? '' : ` ${p.planName}`}: ${JSON.stringify(p.title)}, voting ends at height ${p.votingEndHeight}`,
      `     ${tallyLine(p.tally)}`,
      `     deposit ${formatBaby(p.deposit)} by ${short(p.proposer)}, submitted at height ${p.submitHeight}`,
    );
  }
  return lines;
}

function resultLines(g: GovernanceInfo): string[] {
  if (g.results.length === 0) return ['recent results: none'];
  const lines = ['recent results:'];
  for (const r of g.results.slice(-10)) {
    const why = r.reason === '' ? '' : ` (${r.reason})`;
    lines.push(
      `  #${r.id} ${JSON.stringify(r.title)}: ${r.status}${why} at height ${r.endHeight}; ${tallyLine(r.tally)}`,
    );
  }
  return lines;
}

function appliedLines(g: GovernanceInfo): string[] {
  if (g.applied.length === 0) return ['applied upgrades: none'];
  return [
    'applied upgrades:',
    ...g.applied.map((a) => `  ${a.name} at height ${a.height}: app version ${a.appVersion}, release ${a.version}`),
  ];
}

export function printGovernance(out: Writable, info: UpgradeStatus): void {
  const g = info.governance;
  const head = header(info);
  const width = Math.max(...head.map(([k]) => k.length)) + 2;
  const sections = [
    head.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    planLines(g),
    attestationLines(g),
    proposalLines(g),
    resultLines(g),
    appliedLines(g),
  ];
  out.write(`${sections.map((s) => s.join('\n')).join('\n\n')}\n`);
}
