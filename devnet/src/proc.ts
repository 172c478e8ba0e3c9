/** Per-process figures the bench scripts report, read from /proc (Linux), and their rounding. */
import { readFileSync } from 'node:fs';

const CLK_TCK = 100;

/** utime + stime of a process and its threads, in seconds (/proc/<pid>/stat fields 14 and 15); NaN once it is gone */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** A memory figure of /proc/<pid>/status in MiB: VmRSS (resident now) or VmHWM (peak resident); NaN once it is gone */
export function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? Number.NaN : Math.round(Number(m[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

/** peak resident set (VmHWM) in MiB */
export const peakRssMiB = (pid: number): number => statusMiB(pid, 'VmHWM');

export const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
