/** The dashboard's chart data, from what live.ts keeps: recent blocks (newest first) and status samples. */
import type { BlockSummary, DurationSummary } from '@babychain/client';
import type uPlot from 'uplot';
import type { StatusSample } from '../live.ts';

/** Block time per height: each block's header time minus its parent's, for the consecutive blocks held. */
export function blockTimes(blocks: readonly BlockSummary[]): { data: uPlot.AlignedData; last: number | undefined } {
  const ascending = [...blocks].reverse();
  const heights: number[] = [];
  const times: (number | null)[] = [];
  for (let i = 1; i < ascending.length; i++) {
    const prev = ascending[i - 1] as BlockSummary;
    const cur = ascending[i] as BlockSummary;
    // A gap (a block not held) has no parent to measure from.
    if (cur.height !== prev.height + 1n) continue;
    heights.push(Number(cur.height));
    times.push(Number(cur.timeMs - prev.timeMs));
  }
  return { data: [heights, times], last: times.at(-1) ?? undefined };
}

/** x: the sample times in seconds (uPlot's time scale), then each picked value per sample. */
export function overTime(
  samples: readonly StatusSample[],
  ...pick: ((s: StatusSample) => number | null)[]
): uPlot.AlignedData {
  return [samples.map((s) => s.atMs / 1000), ...pick.map((p) => samples.map(p))];
}

export const p50 = (d: DurationSummary): number | null => d.p50;
export const p99 = (d: DurationSummary): number | null => d.p99;

/** `850 ms`, `1.25 s`, `–` when there is nothing to measure yet. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `512 B`, `12.3 kB`, `1.20 MB`. */
export function bytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(2)} MB`;
}
