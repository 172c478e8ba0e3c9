// The consensus simulation's safety check (sim.testutil.ts): what in its record is a safety violation.
import type { Vote } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import type { Sent } from './sim-parts.testutil.ts';

/** What a simulation recorded, as far as its safety goes. */
export interface SafetyRecord {
  /** two commits of different blocks for one height (across nodes, or one node across restarts) */
  readonly forks: readonly string[];
  /** every broadcast of every node, in order */
  readonly sent: readonly Sent[];
  /** gossip verdicts 'reject' (none in an honest run) */
  readonly rejected: readonly { readonly from: string; readonly to: string; readonly kind: string }[];
  /** the running nodes whose driver detected an equivocation */
  readonly equivocated: readonly string[];
}

/**
 * Everything that would be a safety violation, empty when none: two blocks committed at one height, a validator
 * broadcasting two different block hashes for one (height, round, step), a node broadcasting a vote of
 * another validator, a message an honest peer rejected, an equivocation a driver detected.
 */
export function findSafetyProblems(sim: SafetyRecord): string[] {
  const problems = [...sim.forks];
  const signed = new Map<string, string>();
  const record = (key: string, value: string) => {
    const seen = signed.get(key);
    if (seen === undefined) signed.set(key, value);
    else if (seen !== value) problems.push(`conflicting ${key}: ${seen.slice(0, 12)} and ${value.slice(0, 12)}`);
  };
  for (const s of sim.sent) {
    const m = s.message.message;
    if (m?.case === 'vote') {
      const v: Vote = m.value;
      if (v.validatorIndex !== s.from.validatorIndex) problems.push(`${s.from.id} sent a vote of ${v.validatorIndex}`);
      record(`vote v${v.validatorIndex} h${v.height} r${v.round} t${v.type}`, toHex(v.blockHash) || 'nil');
    } else if (m?.case === 'proposal') {
      const p = m.value.proposal;
      if (p === undefined) continue;
      record(`proposal v${s.from.validatorIndex} h${p.height} r${p.round}`, `${toHex(p.blockHash)}/${p.polRound}`);
    }
  }
  for (const r of sim.rejected) problems.push(`${r.to} rejected a ${r.kind} from ${r.from}`);
  for (const id of sim.equivocated) problems.push(`${id} saw equivocation`);
  return problems;
}
