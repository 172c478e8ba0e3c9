import type { Writable } from 'node:stream';

/** Results go to stdout: aligned `label: value` lines for people, one JSON document with --json for scripts. */
export function printResult(
  out: Writable,
  json: boolean,
  value: Record<string, unknown> | readonly Record<string, unknown>[],
): void {
  if (json) {
    out.write(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    return;
  }
  const rows = Array.isArray(value) ? value : [value];
  const blocks = rows.map((row: Record<string, unknown>) => {
    const entries = Object.entries(row).filter(([, v]) => v !== undefined && v !== null);
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    return entries
      .map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${Array.isArray(v) ? v.join(', ') : String(v)}`)
      .join('\n');
  });
  out.write(`${blocks.join('\n\n')}${blocks.length > 0 ? '\n' : ''}`);
}
