// Text output of `pnpm devnet status`.
import type { DurationSummary } from '@babychain/client';
import type { NodeReport } from './devnet.ts';

export function shortHash(hash: string | undefined, length = 12): string {
  if (hash === undefined || hash.length === 0) return '-';
  return hash.length <= length ? hash : `${hash.slice(0, length)}…`;
}

export function formatMs(p: DurationSummary | undefined): string {
  if (p === undefined || p.samples === 0 || p.p50 === null || p.p99 === null) return '-';
  return `${Math.round(p.p50)}/${Math.round(p.p99)}`;
}

/** One row per node, columns aligned; an unreachable node shows why in place of its status. */
export function formatStatusTable(reports: readonly NodeReport[]): string {
  const header = [
    'node',
    'kind',
    'pid',
    'height',
    'last block',
    'peers',
    'version',
    'app',
    'round/step',
    'block ms p50/p99',
    'final ms p50/p99',
    'notes',
  ];
  const rows = reports.map((r) => {
    const kind = r.validator ? 'validator' : 'full';
    const pid = r.pid === null ? '-' : String(r.pid);
    if (r.status === undefined) {
      const state = r.running ? 'running, not answering' : 'not running';
      return [r.moniker, kind, pid, '-', '-', '-', '-', '-', '-', '-', '-', state];
    }
    const s = r.status;
    const notes = [
      s.syncing ? 'syncing' : '',
      s.evidence > 0 ? `EVIDENCE ${s.evidence}` : '',
      r.running ? '' : 'pid not ours',
    ]
      .filter((x) => x !== '')
      .join(', ');
    return [
      r.moniker,
      kind,
      pid,
      String(s.height),
      shortHash(s.lastBlockHash),
      String(s.peers),
      s.version,
      String(s.appVersion),
      `${s.round}/${s.step}`,
      formatMs(s.blockTimeMs),
      formatMs(s.finalityMs),
      notes,
    ];
  });
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  return table
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The scheduled upgrade as the nodes see it (UPG-6): one line per distinct plan, with the share of voting power whose
 * launcher is ready; null when no node reports one.
 */
export function formatUpgradeLine(reports: readonly NodeReport[]): string | null {
  const seen = new Map<string, string>();
  for (const r of reports) {
    const u = r.status?.upgrade;
    if (u === undefined || u === null) continue;
    const share = u.totalPower === 0n ? 0 : Number((u.readyPower * 1000n) / u.totalPower) / 10;
    seen.set(
      `${u.name}@${u.height}`,
      `upgrade ${u.name} (release ${u.version}) at height ${u.height}: ready ${share}% of voting power (${u.readyPower}/${u.totalPower})`,
    );
  }
  return seen.size === 0 ? null : [...seen.values()].join('\n');
}
