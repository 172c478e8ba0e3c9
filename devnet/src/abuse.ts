/**
 * `pnpm bench:abuse`: the RPC under abuse, as a script that prints numbers, not a test. On a fresh devnet it runs,
 * one after another against validator 0 over loopback, the attacks of attacks.ts: a websocket that sends 1,000
 * `blocks` calls and never reads, 5,000 `status` calls on one websocket, 8 clients sending HTTP JSON-RPC batches of
 * 20 x `blocks`, a 1,000-connection flood and slowloris. For an idle window first and then each attack it prints
 * the node's peak resident memory, the block-time p99 (and its ratio to the idle one) and how fast the node
 * answered `GET /status` to a well-behaved client watching from another loopback address, every 100 ms, on a
 * thread of its own (status-probe.ts).
 *
 * Targets (specs/rpc.md RPC-10): peak RSS under 512 MiB, block-time p99 under 1.5 x idle, /status under 100 ms.
 * Exit code 1 when one is missed. Progress on stderr; `--json` prints the figures as JSON instead of a table.
 *
 * Validator 0 restarts before each phase, so that a peak belongs to its attack.
 *
 * Environment: ABUSE_VALIDATORS (default 4), ABUSE_COMMIT_WAIT_MS (default 100), ABUSE_HEIGHT (the chain height to
 * reach before attacking, so `blocks` answers are large; default 1000), ABUSE_PHASE_MS (default 20000).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttackReport,
  connectionFlood,
  httpBlockBatches,
  slowloris,
  type Target,
  wsNeverReads,
  wsStatusFlood,
} from './attacks.ts';
import { Devnet } from './devnet.ts';
import { statusMiB } from './proc.ts';
import { probe, startStatusProbe } from './status-probe.ts';
import { sleep, waitFor } from './wait.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const VALIDATORS = env('ABUSE_VALIDATORS', 4);
const COMMIT_WAIT_MS = env('ABUSE_COMMIT_WAIT_MS', 100);
const HEIGHT = env('ABUSE_HEIGHT', 1000);
const PHASE_MS = env('ABUSE_PHASE_MS', 20_000);
const RECOVER_MS = 5000;
const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 2000;
const WATCHER = '127.0.0.2';
const ATTACKER = '127.0.0.1';
const TARGETS = { rssMiB: 512, blockP99Ratio: 1.5, statusMs: 100 };

const progress = (what: string): void => {
  process.stderr.write(`[abuse ${new Date().toISOString().slice(11, 19)}] ${what}\n`);
};

const watch = (url: string, path: string) => probe(url, path, WATCHER, PROBE_TIMEOUT_MS);

async function height(url: string): Promise<number> {
  const answer = await watch(url, '/status');
  return answer.status === 200 ? Number((JSON.parse(answer.body) as { height: string }).height) : 0;
}

/** Block intervals (ms) of the blocks committed in (from, to]. */
async function intervals(url: string, from: number, to: number): Promise<number[]> {
  const times: number[] = [];
  for (let start = from; start <= to; start += 500) {
    const end = Math.min(to, start + 499);
    const answer = await watch(url, `/blocks?from=${start}&to=${end}`);
    const blocks = (JSON.parse(answer.body) as { blocks: { timeMs: string }[] }).blocks;
    times.push(...blocks.map((b) => Number(b.timeMs)));
  }
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

const p99 = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] as number;
};

interface PhaseFigures {
  readonly phase: string;
  readonly peakRssMiB: number;
  readonly blocks: number;
  readonly blockP99Ms: number;
  readonly statusP99Ms: number;
  readonly statusMaxMs: number;
  /** /status probes that failed or timed out */
  readonly statusFailures: number;
  readonly attack?: AttackReport;
}

/** Runs `attack` (or nothing) while sampling the node's memory and watching /status and the block times. */
async function phase(
  name: string,
  devnet: Devnet,
  attack: () => Promise<AttackReport | undefined>,
): Promise<PhaseFigures> {
  progress(name);
  // A fresh process per phase: a peak belongs to its attack, not to the heap an earlier one left grown.
  const url = devnet.node(0).rpcUrl;
  const tip = await height(url);
  await devnet.stop(0);
  const pid = devnet.start(0);
  await waitFor(async () => (await height(url)) > tip, { timeoutMs: 60_000, message: 'validator 0 to catch up' });
  await sleep(RECOVER_MS); // settle after the catch-up before measuring
  // The chain's block times, read where the attack is not: another validator when there is one.
  const chain = devnet.node(devnet.size > 1 ? 1 : 0).rpcUrl;
  const startHeight = await height(chain);
  let running = true;
  let peak = 0;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, statusMiB(pid, 'VmRSS'));
      await sleep(PROBE_EVERY_MS); // sampling pace
    }
  })();
  const watcher = startStatusProbe({ url, from: WATCHER, everyMs: PROBE_EVERY_MS, timeoutMs: PROBE_TIMEOUT_MS });
  const report = await attack();
  await sleep(RECOVER_MS); // the tail of the attack's effect belongs to its phase
  running = false;
  const [, { latencies, failures }] = await Promise.all([sampler, watcher.stop()]);
  const endHeight = await height(chain);
  const gaps = await intervals(chain, startHeight, endHeight);
  return {
    phase: name,
    peakRssMiB: peak,
    blocks: endHeight - startHeight,
    blockP99Ms: p99(gaps),
    statusP99Ms: Math.round(p99(latencies)),
    statusMaxMs: Math.round(Math.max(0, ...latencies)),
    statusFailures: failures,
    ...(report === undefined ? {} : { attack: report }),
  };
}

function table(rows: readonly PhaseFigures[], idleP99: number): string {
  const lines = [
    '| phase | peak RSS MiB | block p99 ms (x idle) | /status p99 / max ms | /status failed | what the attacker got |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const a = r.attack;
    const got =
      a === undefined
        ? ''
        : `sent ${a.sent}, answered ${a.answered}, refused ${JSON.stringify(a.refused)}, closed ${a.closedByNode}, ` +
          `${Math.round(a.bytesIn / 1024)} KiB in`;
    lines.push(
      `| ${r.phase} | ${r.peakRssMiB} | ${r.blockP99Ms} (${(r.blockP99Ms / idleP99).toFixed(2)}) | ` +
        `${r.statusP99Ms} / ${r.statusMaxMs} | ${r.statusFailures} | ${got} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'babychain-abuse-'));
  const devnet = await Devnet.create({ dir, validators: VALIDATORS, commitWaitMs: COMMIT_WAIT_MS });
  try {
    devnet.startAll();
    const url = devnet.node(0).rpcUrl;
    progress(`${VALIDATORS} validators, ${COMMIT_WAIT_MS} ms commit wait: building ${HEIGHT} blocks`);
    await waitFor(async () => (await height(url)) >= HEIGHT, { timeoutMs: HEIGHT * 2000, intervalMs: 1000 });
    const target: Target = { url, from: ATTACKER };
    const to = Math.min(999, HEIGHT);
    const rows: PhaseFigures[] = [];
    rows.push(
      await phase('idle', devnet, async () => {
        await sleep(PHASE_MS); // the idle window
        return undefined;
      }),
    );
    rows.push(await phase('websocket never reads', devnet, () => wsNeverReads(target, 1000, to, PHASE_MS)));
    rows.push(await phase('websocket status flood', devnet, () => wsStatusFlood(target, 5000, PHASE_MS)));
    rows.push(await phase('HTTP JSON-RPC batches', devnet, () => httpBlockBatches(target, 8, 20, to, PHASE_MS)));
    rows.push(await phase('connection flood', devnet, () => connectionFlood(target, 1000, PHASE_MS)));
    rows.push(await phase('slowloris', devnet, () => slowloris(target, 200, 1000, PHASE_MS)));

    const idle = (rows[0] as PhaseFigures).blockP99Ms;
    const missed = rows.flatMap((r) => [
      ...(r.peakRssMiB >= TARGETS.rssMiB ? [`${r.phase}: peak RSS ${r.peakRssMiB} MiB`] : []),
      ...(r.blockP99Ms >= TARGETS.blockP99Ratio * idle ? [`${r.phase}: block p99 ${r.blockP99Ms} ms`] : []),
      ...(r.statusMaxMs >= TARGETS.statusMs || r.statusFailures > 0
        ? [`${r.phase}: /status max ${r.statusMaxMs} ms, ${r.statusFailures} failed`]
        : []),
    ]);
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ settings: { VALIDATORS, COMMIT_WAIT_MS, HEIGHT, PHASE_MS }, rows, missed }));
    } else {
      console.log(table(rows, idle));
      console.log(missed.length === 0 ? '\nall targets met' : `\ntargets missed:\n- ${missed.join('\n- ')}`);
    }
    process.exitCode = missed.length === 0 ? 0 : 1;
  } finally {
    await devnet.killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
