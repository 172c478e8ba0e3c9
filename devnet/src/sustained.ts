/**
 * `pnpm bench:sustained`: fault F9 of docs/architecture.md as a script that prints JSON, not a test. An open-loop load at 90 % of the
 * measured saturation for 90 s on a fresh devnet, then: how long the mempool takes to drain after the last send
 * (target 10 s), and every node's resident memory sampled every 5 s during and after the load (target: it stops
 * growing). Progress on stderr.
 *
 * Environment: SUSTAINED_RATE (tx/s, default 5000: 90 % of the 5,400-5,850 tx/s one validator finalizes in `pnpm bench`),
 * SUSTAINED_DURATION_S (default 90), SUSTAINED_VALIDATORS (default 1), BENCH_BATCH (default 64),
 * BENCH_COMMIT_WAIT_MS (default 300).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BabyClient } from '@babychain/client';
import { DEFAULT_PARAMS } from '@babychain/state';
import { Devnet } from './devnet.ts';
import { loadAccounts, prepareTransfers, runLoad } from './load.ts';
import { statusMiB } from './proc.ts';
import { sleep } from './wait.ts';

const env = (name: string, fallback: string): number => Number(process.env[name] ?? fallback);
const RATE = env('SUSTAINED_RATE', '5000');
const DURATION_S = env('SUSTAINED_DURATION_S', '90');
const VALIDATORS = env('SUSTAINED_VALIDATORS', '1');
const BATCH = env('BENCH_BATCH', '64');
const COMMIT_WAIT_MS = env('BENCH_COMMIT_WAIT_MS', '300');
const SAMPLE_MS = 5000;
const AFTER_MS = 15_000;

const progress = (what: string): void => {
  process.stderr.write(`[sustained ${new Date().toISOString().slice(11, 19)}] ${what}\n`);
};

async function main(): Promise<void> {
  const accounts = loadAccounts(Math.max(1000, Math.ceil(RATE / 2)));
  const dir = mkdtempSync(join(tmpdir(), 'babychain-sustained-'));
  const devnet = await Devnet.create({
    dir,
    validators: VALIDATORS,
    commitWaitMs: COMMIT_WAIT_MS,
    accounts: accounts.map((a) => ({ address: a.address, balance: 1_000_000_000_000n })),
    rpcRateLimit: { max: 1_000_000, windowMs: 1000 },
  });
  try {
    const t = performance.now();
    const txs = prepareTransfers({
      chainId: devnet.state.chainId,
      accounts,
      ratePerS: RATE,
      durationS: DURATION_S,
      fee: DEFAULT_PARAMS.minFee,
    });
    progress(`signed ${txs.length} transfers in ${Math.round(performance.now() - t)} ms`);
    devnet.startAll();
    await devnet.waitForHeight(2, { nodes: devnet.nodes.map((_, i) => i), timeoutMs: 60_000 });
    const clients = devnet.nodes.map((n) => new BabyClient({ url: n.rpcUrl, timeoutMs: 10_000 }));
    const pids = devnet.nodes.map((n) => n.pid as number);

    const samples: { atS: number; rssMiB: number[]; mempoolTxs: number }[] = [];
    const t0 = performance.now();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const mempool = await (clients[0] as BabyClient).mempool().catch(() => undefined);
        samples.push({
          atS: Math.round((performance.now() - t0) / 100) / 10,
          rssMiB: pids.map((pid) => statusMiB(pid, 'VmRSS')),
          mempoolTxs: mempool === undefined ? -1 : mempool.pendingTxs + mempool.queuedTxs,
        });
        await sleep(SAMPLE_MS); // pacing of the samples
      }
    })();
    // The drain clock starts with the last scheduled send and stops when node 0's mempool is first seen empty.
    const drain = (async () => {
      await sleep(DURATION_S * 1000);
      const from = performance.now();
      for (;;) {
        const m = await (clients[0] as BabyClient).mempool().catch(() => undefined);
        if (m !== undefined && m.pendingTxs + m.queuedTxs === 0) return performance.now() - from;
        if (performance.now() - from > 60_000) return Number.POSITIVE_INFINITY;
        await sleep(100); // pacing of the poll
      }
    })();
    progress(`${VALIDATORS} validator(s): ${RATE} tx/s for ${DURATION_S} s, batches of ${BATCH}`);
    const result = await runLoad({ txs, clients, watch: clients[0] as BabyClient, drainMs: 30_000, batchSize: BATCH });
    const drainMs = await drain;
    await sleep(AFTER_MS); // observation window: memory after the load
    sampling = false;
    await sampler;

    const during = samples.filter((s) => s.atS <= DURATION_S);
    const thirds = [0, 1, 2].map((k) =>
      during.slice(Math.floor((k * during.length) / 3), Math.floor(((k + 1) * during.length) / 3)),
    );
    const maxRss = (xs: typeof samples) => Math.max(...xs.flatMap((s) => s.rssMiB.filter((v) => !Number.isNaN(v))));
    const middle = maxRss(thirds[1] ?? []);
    const last = maxRss(thirds[2] ?? []);
    console.log(
      JSON.stringify(
        {
          settings: {
            rate: RATE,
            durationS: DURATION_S,
            validators: VALIDATORS,
            batch: BATCH,
            commitWaitMs: COMMIT_WAIT_MS,
          },
          offeredTps: Math.round(result.offeredTps),
          finalizedTps: Math.round(result.finalizedTps),
          accepted: result.accepted,
          finalized: result.finalized,
          rejected: result.rejected,
          p50LatencyMs: Math.round(result.latency.p50Ms),
          p99LatencyMs: Math.round(result.latency.p99Ms),
          meanBlockTimeMs: Math.round(result.meanBlockTimeMs),
          drainMs: Math.round(drainMs),
          drainedWithin10s: drainMs <= 10_000,
          rssMiB: {
            middleThirdMax: middle,
            lastThirdMax: last,
            growthLastVsMiddle: Math.round((last / middle - 1) * 1000) / 1000,
          },
          samples,
        },
        null,
        2,
      ),
    );
  } finally {
    await devnet.killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
