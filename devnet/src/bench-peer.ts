/**
 * The peer of `pnpm bench`: the same open-loop transfer workload as load.ts against a Hardhat node, the local chain an
 * Ethereum developer would pick, so the bench can state Babychain's throughput as a ratio to something familiar.
 *
 * Hardhat and ethers are not dependencies of the repo (CI installs the lockfile and stays lean): they are installed at
 * run time, pinned to exact versions, into a cache directory (`.babychain-dev/bench-peer` by default) and loaded from
 * there. Hardhat 3 is used because it is the current major, supports Node 24 and starts its JSON-RPC node
 * (`hardhat node --hostname --port`) from a one-line config in an ESM package.
 *
 * Per mining mode (automine: a block per transaction, Hardhat's default; interval: a block every `intervalMs`, like a
 * chain with a block time) a fresh node runs on loopback, and at each rate of the ladder: fresh accounts are funded from
 * the node's prefunded dev accounts (not measured), transfers are signed in advance (EIP-1559, gas 21000, explicit
 * nonces, sender i mod accounts to the next one, as prepareTransfers does), sent on schedule with one
 * `eth_sendRawTransaction` request each, and timed from submit to the first observation of the block holding them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type LoadTarget, runOpenLoop, type ScheduledTx, schedule } from './load.ts';
import { freePorts } from './ports.ts';
import { cpuSeconds, peakRssMiB, round } from './proc.ts';
import { sleep } from './wait.ts';

/** Exact versions: the cache is reused only when it holds these. EDR is the version hardhat@3.18.0 pins. */
export const PEER_PACKAGES = { hardhat: '3.18.0', ethers: '6.17.0', edr: '0.22.0' } as const;

export type PeerMode = 'automine' | 'interval';

export interface PeerBenchOptions {
  readonly rates: readonly number[];
  readonly durationS: number;
  /** fresh accounts used at a rate */
  readonly accountsFor: (rate: number) => number;
  readonly modes?: readonly PeerMode[];
  /** block interval of the interval mode. Default 1000. */
  readonly intervalMs?: number;
  /** default <repo>/.babychain-dev/bench-peer */
  readonly cacheDir?: string;
  /** a rate is saturated when finalized tx/s or count is below this share of the offer. Default 0.8. */
  readonly saturatedShare?: number;
  /** … or when the p50 latency is above this. Default 5000. */
  readonly saturatedP50Ms?: number;
  readonly drainMs?: number;
  readonly maxInFlight?: number;
  /** transfers per request: 1 sends each as its own `eth_sendRawTransaction` request (default); more sends the
   * transfers due at once as JSON-RPC batches of at most this many, like load.ts `batchSize` */
  readonly batchSize?: number;
  readonly progress?: (what: string) => void;
}

export interface PeerRateReport {
  readonly offeredTps: number;
  readonly accounts: number;
  readonly saturated: boolean;
  readonly submitted: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly late: number;
  readonly finalized: number;
  /** the steady commit rate (load.ts `commitRate`) over the times the blocks were observed: Hardhat's header
   * timestamps are whole seconds and run ahead of the clock under automine */
  readonly finalizedTps: number;
  readonly finalizedInWindowTps: number;
  readonly p50LatencyMs: number;
  readonly p99LatencyMs: number;
  readonly submitRttP50Ms: number;
  readonly submitRttP99Ms: number;
  readonly blocks: number;
  readonly maxBlockTxs: number;
  readonly generatorCpuS: number;
  readonly peerCpuS: number;
  readonly peerCpuPct: number;
  readonly peerPeakRssMiB: number;
}

export interface PeerModeResult {
  readonly mode: PeerMode;
  readonly intervalMs?: number;
  readonly bestFinalizedTps: number;
  readonly rates: readonly PeerRateReport[];
}

export interface PeerBenchResult {
  readonly name: string;
  readonly version: string;
  readonly clientVersion: string;
  readonly packages: typeof PEER_PACKAGES;
  readonly submit: string;
  readonly modes: readonly PeerModeResult[];
  readonly bestFinalizedTps: number;
  readonly bestMode: PeerMode | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Pure planning
// ---------------------------------------------------------------------------------------------------------------

export interface PlannedTransfer {
  readonly sender: number;
  readonly receiver: number;
  readonly nonce: number;
  /** ms after the start */
  readonly atMs: number;
}

/**
 * The transfers of an open-loop run over `accounts` fresh accounts (nonces from 0): send i is from sender i mod
 * accounts to the next account, so each sender's nonces go out in order and evenly spaced, as in prepareTransfers.
 */
export function planTransfers(accounts: number, ratePerS: number, durationS: number): PlannedTransfer[] {
  if (accounts < 2) throw new Error('the load needs at least 2 accounts');
  const nonces = new Array<number>(accounts).fill(0);
  return schedule(ratePerS, durationS).map((atMs, i) => {
    const sender = i % accounts;
    const nonce = nonces[sender] as number;
    nonces[sender] = nonce + 1;
    return { sender, receiver: (sender + 1) % accounts, nonce, atMs };
  });
}

/** Which dev account funds each load account (round robin), and how many sends each load account makes. */
export function planFunding(
  transfers: readonly PlannedTransfer[],
  accounts: number,
  funders: number,
): { readonly funder: number; readonly account: number; readonly sends: number }[] {
  if (funders < 1) throw new Error('no funder');
  const sends = new Array<number>(accounts).fill(0);
  for (const t of transfers) sends[t.sender] = (sends[t.sender] as number) + 1;
  return sends.map((n, account) => ({ funder: account % funders, account, sends: n }));
}

// ---------------------------------------------------------------------------------------------------------------
// Per process figures (/proc)
// ---------------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------------
// Installing and starting the peer
// ---------------------------------------------------------------------------------------------------------------

/** The slice of ethers v6 used here (it is loaded from the cache, so its own types are not available). */
interface Ethers {
  SigningKey: new (privateKey: string) => { sign(digest: string): unknown };
  computeAddress(key: string): string;
  Transaction: {
    from(tx: {
      type: number;
      chainId: bigint;
      nonce: number;
      to: string;
      value: bigint;
      gasLimit: bigint;
      maxFeePerGas: bigint;
      maxPriorityFeePerGas: bigint;
    }): {
      signature: unknown;
      readonly unsignedHash: string;
      readonly serialized: string;
      readonly hash: string | null;
    };
  };
}

const installedVersion = (dir: string, pkg: string): string | null => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return null;
  }
};

/** EDR's native package for this platform: npm skips it as an optional dependency here (npm/cli#4828), so it is named */
function edrNativePackage(): string {
  const { platform, arch } = process;
  if (platform === 'win32') return `@nomicfoundation/edr-win32-${arch}-msvc`;
  if (platform === 'linux') {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return `@nomicfoundation/edr-linux-${arch}-${header?.glibcVersionRuntime === undefined ? 'musl' : 'gnu'}`;
  }
  return `@nomicfoundation/edr-${platform}-${arch}`;
}

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', (err) => done({ code: null, out: String(err) }));
    child.once('close', (code) => done({ code, out }));
  });
}

/** Installs the pinned packages into `dir` unless it already holds exactly them. */
export async function installPeer(dir: string, progress: (what: string) => void): Promise<void> {
  const native = edrNativePackage();
  const wanted: Record<string, string> = {
    hardhat: PEER_PACKAGES.hardhat,
    ethers: PEER_PACKAGES.ethers,
    '@nomicfoundation/edr': PEER_PACKAGES.edr,
    [native]: PEER_PACKAGES.edr,
  };
  mkdirSync(dir, { recursive: true });
  // Hardhat 3 only runs in an ESM package; an empty config starts the default in-process network
  const manifest = join(dir, 'package.json');
  const pkg = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>) : {};
  if (pkg['type'] !== 'module')
    writeFileSync(manifest, `${JSON.stringify({ ...pkg, private: true, type: 'module' }, null, 2)}\n`);
  if (!existsSync(join(dir, 'hardhat.config.js')))
    writeFileSync(join(dir, 'hardhat.config.js'), 'export default {};\n');
  const stale = Object.entries(wanted).filter(([pkg, version]) => installedVersion(dir, pkg) !== version);
  if (stale.length === 0) return;
  const specs = Object.entries(wanted).map(([pkg, version]) => `${pkg}@${version}`);
  const args = ['install', '--no-audit', '--no-fund', '--save-exact', ...specs];
  progress(`installing ${specs.join(' ')} into ${dir}`);
  let r = await run('npm', args, dir);
  if (r.code === null) r = await run('npx', ['--yes', 'npm@10', ...args], dir);
  if (r.code !== 0) throw new Error(`npm install of the bench peer failed:\n${r.out.slice(-2000)}`);
  const still = Object.entries(wanted).filter(([pkg, version]) => installedVersion(dir, pkg) !== version);
  if (still.length > 0) throw new Error(`the bench peer cache lacks ${still.map(([p]) => p).join(', ')} after install`);
}

interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}
interface RpcAnswer {
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

class Rpc {
  readonly url: string;
  #id = 0;
  constructor(url: string) {
    this.url = url;
  }

  async batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
    if (calls.length === 0) return [];
    const body = calls.map((c) => ({ jsonrpc: '2.0', id: ++this.#id, method: c.method, params: c.params }));
    const answers = (await this.#post(body, 60_000)) as (RpcAnswer & { id: number })[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return body.map((b) => byId.get(b.id) ?? { error: { code: -1, message: 'no answer' } });
  }

  /** one request, one answer; throws on an error answer */
  async call<T>(method: string, ...params: unknown[]): Promise<T> {
    const answer = (await this.#post({ jsonrpc: '2.0', id: ++this.#id, method, params }, 10_000)) as RpcAnswer;
    if (answer.error !== undefined)
      throw Object.assign(new Error(answer.error.message), { rpcCode: answer.error.code });
    return answer.result as T;
  }

  /**
   * One POST. A keep-alive connection the node closed while it sat idle (the seconds spent signing a step) fails
   * with UND_ERR_SOCKET before any answer: that request is sent once more, on a new connection.
   */
  async #post(body: unknown, timeoutMs: number): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        return await response.json();
      } catch (err) {
        const code = (err as { cause?: { code?: unknown } }).cause?.code;
        if (attempt > 0 || code !== 'UND_ERR_SOCKET') throw err;
      }
    }
  }
}

interface Peer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly rpc: Rpc;
  readonly kill: () => void;
}

async function startPeer(dir: string): Promise<Peer> {
  const [port] = await freePorts(1);
  const log = openSync(join(dir, 'node.log'), 'w');
  // Hardhat logs every request on stdout; it goes to a file, as it would scroll by in a user's terminal
  const child = spawn(
    process.execPath,
    [join(dir, 'node_modules/hardhat/dist/src/cli.js'), 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const rpc = new Rpc(`http://127.0.0.1:${port}`);
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      process.removeListener('exit', kill);
      throw new Error(`hardhat node exited (${child.exitCode}):\n${readFileSync(join(dir, 'node.log'), 'utf8')}`);
    }
    try {
      await rpc.call('eth_blockNumber');
      break;
    } catch {
      if (performance.now() > deadline) {
        kill();
        process.removeListener('exit', kill);
        throw new Error('hardhat node did not answer within 60 s');
      }
      await sleep(100);
    }
  }
  return {
    child,
    pid: child.pid as number,
    rpc,
    kill: () => {
      kill();
      process.removeListener('exit', kill);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts, funding, signing
// ---------------------------------------------------------------------------------------------------------------

interface EthAccount {
  readonly privateKey: string;
  readonly address: string;
}

const GWEI = 1_000_000_000n;
const GAS = 21_000n;
/** far above Hardhat's 1 gwei initial base fee, so a rising base fee under full blocks never strands a transfer */
const MAX_FEE = 100n * GWEI;
const TIP = GWEI;

/** Peer load account i: private key sha256("babychain-peer-load/" + i). */
function ethAccount(ethers: Ethers, i: number): EthAccount {
  const privateKey = `0x${createHash('sha256').update(`babychain-peer-load/${i}`).digest('hex')}`;
  return { privateKey, address: ethers.computeAddress(privateKey) };
}

interface SignedTransfer extends ScheduledTx {
  readonly raw: string;
}

function signTransfers(
  ethers: Ethers,
  chainId: bigint,
  accounts: readonly EthAccount[],
  plan: readonly PlannedTransfer[],
): SignedTransfer[] {
  const keys = accounts.map((a) => new ethers.SigningKey(a.privateKey));
  return plan.map((p) => {
    const tx = ethers.Transaction.from({
      type: 2,
      chainId,
      nonce: p.nonce,
      to: (accounts[p.receiver] as EthAccount).address,
      value: 1n,
      gasLimit: GAS,
      maxFeePerGas: MAX_FEE,
      maxPriorityFeePerGas: TIP,
    });
    tx.signature = (keys[p.sender] as InstanceType<Ethers['SigningKey']>).sign(tx.unsignedHash);
    return { raw: tx.serialized, id: (tx.hash as string).toLowerCase(), sender: p.sender, atMs: p.atMs };
  });
}

/** Funds every account for its sends (gas at MAX_FEE) from the dev accounts, in batches, and waits for the receipts. */
async function fund(
  rpc: Rpc,
  devAccounts: readonly string[],
  accounts: readonly EthAccount[],
  plan: readonly PlannedTransfer[],
): Promise<void> {
  const funding = planFunding(plan, accounts.length, devAccounts.length);
  const hashes: string[] = [];
  for (let k = 0; k < funding.length; k += 200) {
    const answers = await rpc.batch(
      funding.slice(k, k + 200).map((f) => ({
        method: 'eth_sendTransaction',
        params: [
          {
            from: devAccounts[f.funder],
            to: (accounts[f.account] as EthAccount).address,
            value: `0x${(BigInt(f.sends + 1) * (GAS * MAX_FEE + 1n)).toString(16)}`,
            gas: `0x${GAS.toString(16)}`,
          },
        ],
      })),
    );
    for (const a of answers) {
      if (a.error !== undefined) throw new Error(`funding a peer load account failed: ${a.error.message}`);
      hashes.push(a.result as string);
    }
  }
  const deadline = performance.now() + 60_000;
  let missing = hashes;
  while (missing.length > 0) {
    if (performance.now() > deadline) throw new Error(`${missing.length} funding transfers not mined within 60 s`);
    const receipts = await rpc.batch(missing.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })));
    missing = missing.filter((_, k) => receipts[k]?.result == null);
    if (missing.length > 0) await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The open-loop run
// ---------------------------------------------------------------------------------------------------------------

/**
 * The peer as a load target: every transfer goes to its one node by `eth_sendRawTransaction` (JSON-RPC batches when
 * batches are on), and new heights are polled, their blocks read in one batch (reading is not the path under test).
 * A peer's block time is its own clock's; blocks are timed by when they were seen here.
 */
function peerTarget(rpc: Rpc): LoadTarget<SignedTransfer> {
  const refusal = (error: { rpcCode?: number; code?: number; message: string }): string =>
    `${error.rpcCode ?? error.code ?? 'ERROR'} ${error.message.slice(0, 40)}`;
  return {
    lanes: 1,
    async send(_lane, batch) {
      try {
        if (batch.length === 1) {
          await rpc.call('eth_sendRawTransaction', (batch[0] as SignedTransfer).raw);
          return [undefined];
        }
        const answers = await rpc.batch(batch.map((tx) => ({ method: 'eth_sendRawTransaction', params: [tx.raw] })));
        return answers.map((a) => (a.error === undefined ? undefined : refusal(a.error)));
      } catch (err) {
        return batch.map(() => refusal(err as { rpcCode?: number; message: string }));
      }
    },
    async watch(onBlock) {
      let watching = true;
      let next = Number(BigInt(await rpc.call<string>('eth_blockNumber'))) + 1;
      const poll = async (): Promise<void> => {
        while (watching) {
          let head: number;
          try {
            head = Number(BigInt(await rpc.call<string>('eth_blockNumber')));
          } catch {
            await sleep(100);
            continue;
          }
          if (head < next) {
            await sleep(20);
            continue;
          }
          const last = Math.min(head, next + 199);
          const heights = Array.from({ length: last - next + 1 }, (_, k) => next + k);
          let blocks: RpcAnswer[];
          try {
            blocks = await rpc.batch(
              heights.map((h) => ({ method: 'eth_getBlockByNumber', params: [`0x${h.toString(16)}`, false] })),
            );
          } catch {
            await sleep(100);
            continue;
          }
          const timeMs = performance.now();
          for (const b of blocks) {
            const hashes = (b.result as { transactions?: string[] } | null)?.transactions ?? [];
            onBlock({ timeMs, txIds: hashes.map((h) => h.toLowerCase()) });
          }
          next = last + 1;
        }
      };
      const polling = poll();
      return {
        close: async () => {
          watching = false;
          await polling;
        },
        error: undefined,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The bench
// ---------------------------------------------------------------------------------------------------------------

/** The transfer workload against a Hardhat node in each mode, up the rate ladder until the first saturated rate. */
export async function benchPeer(options: PeerBenchOptions): Promise<PeerBenchResult> {
  const progress = options.progress ?? (() => {});
  const dir = options.cacheDir ?? resolve(import.meta.dirname, '../../.babychain-dev/bench-peer');
  const modes = options.modes ?? ['automine', 'interval'];
  const intervalMs = options.intervalMs ?? 1000;
  const share = options.saturatedShare ?? 0.8;
  const maxP50 = options.saturatedP50Ms ?? 5000;
  await installPeer(dir, progress);
  const ethers = (await import(pathToFileURL(join(dir, 'node_modules/ethers/lib.esm/index.js')).href)) as Ethers;

  const offsets = options.rates.map((_, step) =>
    options.rates.slice(0, step).reduce((a, r) => a + options.accountsFor(r), 0),
  );
  const accountCache = new Map<number, EthAccount[]>();
  const accountsOf = (step: number): EthAccount[] => {
    let accounts = accountCache.get(step);
    if (accounts === undefined) {
      const n = options.accountsFor(options.rates[step] as number);
      accounts = Array.from({ length: n }, (_, k) => ethAccount(ethers, (offsets[step] as number) + k));
      accountCache.set(step, accounts);
    }
    return accounts;
  };
  // every mode starts a fresh chain with the same chain id, so a step's signed transfers serve every mode
  const signed = new Map<number, { plan: PlannedTransfer[]; txs: SignedTransfer[] }>();

  let clientVersion = '';
  const results: PeerModeResult[] = [];
  for (const mode of modes) {
    const peer = await startPeer(dir);
    try {
      clientVersion = await peer.rpc.call<string>('web3_clientVersion');
      const chainId = BigInt(await peer.rpc.call<string>('eth_chainId'));
      const devAccounts = await peer.rpc.call<string[]>('eth_accounts');
      if (mode === 'interval') {
        await peer.rpc.call('evm_setAutomine', false);
        await peer.rpc.call('evm_setIntervalMining', intervalMs);
      }
      progress(`peer ${clientVersion} (${mode}${mode === 'interval' ? ` ${intervalMs} ms` : ''}) up, pid ${peer.pid}`);
      const rates: PeerRateReport[] = [];
      for (const [step, rate] of options.rates.entries()) {
        const accounts = accountsOf(step);
        let run = signed.get(step);
        if (run === undefined) {
          const t = performance.now();
          const plan = planTransfers(accounts.length, rate, options.durationS);
          run = { plan, txs: signTransfers(ethers, chainId, accounts, plan) };
          signed.set(step, run);
          progress(`peer: signed ${run.txs.length} transfers in ${Math.round(performance.now() - t)} ms`);
        }
        const tf = performance.now();
        await fund(peer.rpc, devAccounts, accounts, run.plan);
        progress(`peer: funded ${accounts.length} accounts in ${Math.round(performance.now() - tf)} ms`);
        await sleep(500);
        const cpu0 = cpuSeconds(peer.pid);
        const gen0 = process.cpuUsage();
        const t0 = performance.now();
        progress(`peer ${mode}: ${rate} tx/s for ${options.durationS} s`);
        const r = await runOpenLoop(run.txs, peerTarget(peer.rpc), {
          maxInFlight: options.maxInFlight ?? 512,
          drainMs: options.drainMs ?? 8000,
          lateMs: 50,
          batchSize: Math.max(1, options.batchSize ?? 1),
        });
        const wall = (performance.now() - t0) / 1000;
        const gen = process.cpuUsage(gen0);
        const cpuS = cpuSeconds(peer.pid) - cpu0;
        const report: PeerRateReport = {
          offeredTps: round(r.offeredTps),
          accounts: accounts.length,
          saturated:
            r.finalizedTps < share * r.offeredTps || r.finalized < share * run.txs.length || r.latency.p50Ms > maxP50,
          submitted: r.submitted,
          accepted: r.accepted,
          rejected: r.rejected,
          late: r.late,
          finalized: r.finalized,
          finalizedTps: round(r.finalizedTps),
          finalizedInWindowTps: round(r.finalizedInWindowTps),
          p50LatencyMs: round(r.latency.p50Ms),
          p99LatencyMs: round(r.latency.p99Ms),
          submitRttP50Ms: round(r.submitRtt.p50Ms, 1),
          submitRttP99Ms: round(r.submitRtt.p99Ms, 1),
          blocks: r.blocks,
          maxBlockTxs: r.maxBlockTxs,
          generatorCpuS: round((gen.user + gen.system) / 1e6, 2),
          peerCpuS: round(cpuS, 2),
          peerCpuPct: round((100 * cpuS) / wall),
          peerPeakRssMiB: peakRssMiB(peer.pid),
        };
        rates.push(report);
        progress(
          `  peer finalized ${report.finalizedTps} tx/s, p50 ${report.p50LatencyMs} ms, p99 ${report.p99LatencyMs} ms, ` +
            `${report.blocks} blocks, peer CPU ${report.peerCpuPct} %, rejected ${JSON.stringify(r.rejected)}`,
        );
        if (report.saturated) break;
      }
      const best = Math.max(0, ...rates.map((r) => r.finalizedTps));
      results.push({ mode, ...(mode === 'interval' ? { intervalMs } : {}), bestFinalizedTps: best, rates });
    } finally {
      peer.kill();
    }
  }
  const best = results.reduce<PeerModeResult | null>(
    (a, b) => (a === null || b.bestFinalizedTps > a.bestFinalizedTps ? b : a),
    null,
  );
  return {
    name: 'hardhat node',
    version: installedVersion(dir, 'hardhat') ?? PEER_PACKAGES.hardhat,
    clientVersion,
    packages: PEER_PACKAGES,
    submit:
      (options.batchSize ?? 1) > 1
        ? `eth_sendRawTransaction in JSON-RPC batches of up to ${options.batchSize} (EIP-1559, gas 21000, signed in advance with ethers)`
        : 'one eth_sendRawTransaction request per transfer (EIP-1559, gas 21000, signed in advance with ethers)',
    modes: results,
    bestFinalizedTps: best?.bestFinalizedTps ?? 0,
    bestMode: best?.mode ?? null,
  };
}
