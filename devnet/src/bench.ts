/**
 * `pnpm bench`: finalized throughput and latency of Babychain against the signature-verification limit, on this
 * machine, in one process tree. Prints one JSON document on stdout (progress on stderr). Not a test.
 *
 *   1. the limit: native ed25519 verifies/s on one core (node:crypto, one fixed signature, ~2 s);
 *   2. a 1-validator and a 4-validator devnet (temp dirs, killed and deleted at the end) under the open-loop load of
 *      load.ts at increasing rates, stopping after the first saturated rate (finalized below 80 % of the offer, or
 *      p50 latency over 5 s);
 *   3. the ratio of the best finalized tx/s to the limit;
 *   4. the same workload against a Hardhat node (bench-peer.ts: installed at run time into a cache, automine and
 *      interval mining) and `ratioToPeer`, the 1-validator devnet's best finalized tx/s over the peer's best.
 *
 * Environment: BENCH_MAX_BLOCK_TXS (the devnets' genesis maxBlockTxs, default 5000), BENCH_BATCH (transactions per submit request, default 64; 1 submits each alone), BENCH_RATES (comma list, default 500,1000,1500,2000,3000,4000,5000,6000,7000), BENCH_DURATION_S (default 12),
 * BENCH_COMMIT_WAIT_MS (default 300), BENCH_ACCOUNTS (per rate, default 1000), BENCH_VALIDATORS (default 1,4).
 * The peer: BENCH_PEER (0 skips it), BENCH_PEER_MODES (default automine,interval), BENCH_PEER_INTERVAL_MS (default 1000),
 * BENCH_PEER_BATCH (transfers per request, default BENCH_BATCH). BENCH_VALIDATORS= (empty) runs the peer alone.
 */
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BabyClient } from '@babychain/client';
import { generateKeyPair, sign, verify } from '@babychain/crypto';
import { DEFAULT_PARAMS } from '@babychain/state';
import { benchPeer, type PeerMode } from './bench-peer.ts';
import { Devnet } from './devnet.ts';
import { type LoadAccount, type LoadResult, loadAccounts, type PreparedTx, prepareTransfers, runLoad } from './load.ts';
import { cpuSeconds, peakRssMiB, round } from './proc.ts';
import { sleep } from './wait.ts';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const RATES = env('BENCH_RATES', '500,1000,1500,2000,3000,4000,5000,6000,7000').split(',').map(Number);
const DURATION_S = Number(env('BENCH_DURATION_S', '12'));
const COMMIT_WAIT_MS = Number(env('BENCH_COMMIT_WAIT_MS', '300'));
const ACCOUNTS_PER_RATE = Number(env('BENCH_ACCOUNTS', '1000'));
/** transactions per submit request: the due ones go to a node as one `submit_txs` batch (RPC-7); 1: `submit_tx` each */
const BATCH = Number(env('BENCH_BATCH', '64'));
/** the genesis `maxBlockTxs` of the bench devnets (BLK-10) */
const MAX_BLOCK_TXS = Number(env('BENCH_MAX_BLOCK_TXS', String(DEFAULT_PARAMS.maxBlockTxs)));
const list = (value: string): string[] => value.split(',').filter((v) => v.trim() !== '');
const VALIDATORS = list(env('BENCH_VALIDATORS', '1,4')).map(Number);
const PEER = env('BENCH_PEER', '1') !== '0';
const PEER_MODES = list(env('BENCH_PEER_MODES', 'automine,interval')) as PeerMode[];
const PEER_INTERVAL_MS = Number(env('BENCH_PEER_INTERVAL_MS', '1000'));
/** the peer gets its transfers the way our nodes do: JSON-RPC batches of eth_sendRawTransaction when ours batch */
const PEER_BATCH = Number(env('BENCH_PEER_BATCH', String(BATCH)));
/** the RPC rate limit written into every node's config.json (the default 600 per 10 s would refuse the load) */
const RATE_LIMIT = { max: 1_000_000, windowMs: 1000 };
const SATURATED = 0.8;
const SATURATED_P50_MS = 5000;

const progress = (what: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}\n`);
};

// ---------------------------------------------------------------------------------------------------------------
// The limit
// ---------------------------------------------------------------------------------------------------------------

function perSecond(seconds: number, f: () => boolean): number {
  for (let k = 0; k < 200; k++) f();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 100; k++) if (!f()) throw new Error('a valid signature failed to verify');
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

function verifyLimit(): { nativeVerifiesPerS: number; packageVerifiesPerS: number } {
  // a message the size of a transfer's sign bytes
  const message = new Uint8Array(140).fill(7);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const signature = nodeSign(null, message, privateKey);
  const nativeVerifiesPerS = perSecond(2, () => nodeVerify(null, message, publicKey, signature));
  const pair = generateKeyPair();
  const sig = sign(pair.seed, message);
  const packageVerifiesPerS = perSecond(1, () => verify(pair.publicKey, message, sig));
  return { nativeVerifiesPerS: Math.round(nativeVerifiesPerS), packageVerifiesPerS: Math.round(packageVerifiesPerS) };
}

// ---------------------------------------------------------------------------------------------------------------
// Per process figures
// ---------------------------------------------------------------------------------------------------------------

/** the node's cumulative `babychain_app_*_seconds` gauges */
async function appSeconds(rpcUrl: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`${rpcUrl}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    for (const line of text.split('\n')) {
      const m = /^babychain_app_(\w+)_seconds(?:\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
      if (m !== null) out[m[1] as string] = Number(m[2]);
    }
  } catch {
    // no metrics: the figures stay empty
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// One devnet under increasing load
// ---------------------------------------------------------------------------------------------------------------

interface RateReport {
  readonly offeredTps: number;
  readonly accounts: number;
  readonly saturated: boolean;
  readonly submitted: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly skipped: number;
  readonly late: number;
  readonly finalized: number;
  readonly finalizedTps: number;
  readonly finalizedInWindowTps: number;
  readonly p50LatencyMs: number;
  readonly p99LatencyMs: number;
  readonly submitRttP50Ms: number;
  readonly submitRttP99Ms: number;
  readonly meanBlockTimeMs: number;
  readonly maxBlockTxs: number;
  readonly generatorCpuS: number;
  readonly nodes: readonly {
    readonly cpuS: number;
    readonly cpuPct: number;
    readonly peakRssMiB: number;
    readonly appSeconds: Record<string, number>;
  }[];
}

const signedCache = new Map<number, PreparedTx[]>();

/** accounts used at a rate: at least BENCH_ACCOUNTS and rate / 2, so a sender holds few pending transactions */
const accountsFor = (rate: number): number => Math.max(ACCOUNTS_PER_RATE, Math.ceil(rate / 2));
/** where the (fresh) accounts of step i start */
const accountOffset = (step: number): number => RATES.slice(0, step).reduce((a, r) => a + accountsFor(r), 0);

function txsFor(step: number, rate: number, chainId: string, accounts: readonly LoadAccount[]): PreparedTx[] {
  let txs = signedCache.get(step);
  if (txs === undefined) {
    const t = performance.now();
    const slice = accounts.slice(accountOffset(step), accountOffset(step) + accountsFor(rate));
    txs = prepareTransfers({
      chainId,
      accounts: slice,
      ratePerS: rate,
      durationS: DURATION_S,
      fee: DEFAULT_PARAMS.minFee,
    });
    progress(`signed ${txs.length} transfers in ${Math.round(performance.now() - t)} ms`);
    signedCache.set(step, txs);
  }
  return txs;
}

async function benchDevnet(validators: number, accounts: readonly LoadAccount[]) {
  const dir = mkdtempSync(join(tmpdir(), 'babychain-bench-'));
  const devnet = await Devnet.create({
    dir,
    validators,
    commitWaitMs: COMMIT_WAIT_MS,
    accounts: accounts.map((a) => ({ address: a.address, balance: 1_000_000_000_000n })),
    params: { maxBlockTxs: MAX_BLOCK_TXS },
    rpcRateLimit: RATE_LIMIT,
  });
  cleanup.add(devnet);
  try {
    devnet.startAll();
    await devnet.waitForHeight(2, { nodes: devnet.nodes.map((_, i) => i), timeoutMs: 60_000 });
    progress(`${validators}-validator devnet up in ${dir}`);
    const clients = devnet.nodes.map((n) => new BabyClient({ url: n.rpcUrl, timeoutMs: 10_000 }));
    const watch = clients[0] as BabyClient;
    const pids = devnet.nodes.map((n) => n.pid as number);
    const rates: RateReport[] = [];
    for (const [step, rate] of RATES.entries()) {
      const txs = txsFor(step, rate, devnet.state.chainId, accounts);
      await sleep(500);
      const cpu0 = pids.map(cpuSeconds);
      const app0 = await Promise.all(devnet.nodes.map((n) => appSeconds(n.rpcUrl)));
      const gen0 = process.cpuUsage();
      const t0 = performance.now();
      progress(`${validators} validators: ${rate} tx/s for ${DURATION_S} s`);
      const r: LoadResult = await runLoad({ txs, clients, watch, drainMs: 8000, batchSize: BATCH });
      const wall = (performance.now() - t0) / 1000;
      const gen = process.cpuUsage(gen0);
      const cpu1 = pids.map(cpuSeconds);
      const app1 = await Promise.all(devnet.nodes.map((n) => appSeconds(n.rpcUrl)));
      const report: RateReport = {
        offeredTps: round(r.offeredTps),
        accounts: accountsFor(rate),
        saturated:
          r.finalizedTps < SATURATED * r.offeredTps ||
          r.finalized < SATURATED * txs.length ||
          r.latency.p50Ms > SATURATED_P50_MS,
        submitted: r.submitted,
        accepted: r.accepted,
        rejected: r.rejected,
        skipped: r.skipped,
        late: r.late,
        finalized: r.finalized,
        finalizedTps: round(r.finalizedTps),
        finalizedInWindowTps: round(r.finalizedInWindowTps),
        p50LatencyMs: round(r.latency.p50Ms),
        p99LatencyMs: round(r.latency.p99Ms),
        submitRttP50Ms: round(r.submitRtt.p50Ms, 1),
        submitRttP99Ms: round(r.submitRtt.p99Ms, 1),
        meanBlockTimeMs: round(r.meanBlockTimeMs),
        maxBlockTxs: r.maxBlockTxs,
        generatorCpuS: round((gen.user + gen.system) / 1e6, 2),
        nodes: pids.map((_, k) => {
          const cpuS = (cpu1[k] as number) - (cpu0[k] as number);
          const before = app0[k] as Record<string, number>;
          const after = app1[k] as Record<string, number>;
          return {
            cpuS: round(cpuS, 2),
            cpuPct: round((100 * cpuS) / wall),
            peakRssMiB: peakRssMiB(pids[k] as number),
            appSeconds: Object.fromEntries(
              Object.keys(after).map((name) => [name, round((after[name] as number) - (before[name] ?? 0), 2)]),
            ),
          };
        }),
      };
      rates.push(report);
      progress(
        `  finalized ${report.finalizedTps} tx/s, p50 ${report.p50LatencyMs} ms, p99 ${report.p99LatencyMs} ms, ` +
          `blocks ${report.meanBlockTimeMs} ms, rejected ${JSON.stringify(r.rejected)}`,
      );
      if (report.saturated) break;
    }
    const best = rates.reduce((a, b) => (b.finalizedTps > a.finalizedTps ? b : a), rates[0] as RateReport);
    return { validators, commitWaitMs: COMMIT_WAIT_MS, bestFinalizedTps: best.finalizedTps, rates };
  } finally {
    // Graceful, so a node run with DEVNET_NODE_FLAGS=--cpu-prof writes its profile.
    await Promise.all(devnet.nodes.map((_, i) => devnet.stop(i)));
    cleanup.delete(devnet);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

const cleanup = new Set<Devnet>();
const killEverything = (): void => {
  for (const devnet of cleanup) {
    for (const node of devnet.nodes) {
      if (node.pid === null) continue;
      try {
        process.kill(node.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(devnet.dir, { recursive: true, force: true });
  }
};
process.once('exit', killEverything);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killEverything();
    process.exit(130);
  });
}

const started = performance.now();
progress('measuring the ed25519 verify limit');
const limit = verifyLimit();
progress(`native verify ${limit.nativeVerifiesPerS}/s on one core`);
const accounts = loadAccounts(accountOffset(RATES.length));
const devnets = [];
for (const v of VALIDATORS) devnets.push(await benchDevnet(v, accounts));
const best = Math.max(0, ...devnets.map((d) => d.bestFinalizedTps));
const peer = PEER
  ? await benchPeer({
      rates: RATES,
      durationS: DURATION_S,
      accountsFor,
      modes: PEER_MODES,
      intervalMs: PEER_INTERVAL_MS,
      batchSize: PEER_BATCH,
      saturatedShare: SATURATED,
      saturatedP50Ms: SATURATED_P50_MS,
      drainMs: 8000,
      progress,
    })
  : null;
const single = devnets.find((d) => d.validators === 1);
const result = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.versions.node },
  settings: {
    rates: RATES,
    durationS: DURATION_S,
    commitWaitMs: COMMIT_WAIT_MS,
    accountsPerRate: ACCOUNTS_PER_RATE,
    rpcRateLimit: RATE_LIMIT,
    submitMode: BATCH === 1 ? 'sync' : `submit_txs batches of up to ${BATCH}`,
    stopWhenFinalizedBelow: SATURATED,
    stopWhenP50AboveMs: SATURATED_P50_MS,
  },
  limit,
  devnets,
  ratio: {
    bestFinalizedTps: best,
    toNativeVerifyLimit: round(best / limit.nativeVerifiesPerS, 3),
    ...Object.fromEntries(
      devnets.map((d) => [`validators${d.validators}ToLimit`, round(d.bestFinalizedTps / limit.nativeVerifiesPerS, 3)]),
    ),
  },
  peer,
  /** the 1-validator devnet's best finalized tx/s over the peer's best (either mode) */
  ratioToPeer:
    peer === null || single === undefined || peer.bestFinalizedTps === 0
      ? null
      : round(single.bestFinalizedTps / peer.bestFinalizedTps, 2),
  wallS: round((performance.now() - started) / 1000),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
