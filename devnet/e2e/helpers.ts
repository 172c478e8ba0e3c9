// Shared helpers of the devnet fault scenarios: temporary devnets that are always killed, polling, observation
// windows and a transfer load loop.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BabyClient, type BlockRecord, signedTransfer, txIdHex } from '@babychain/client';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { DEFAULT_PARAMS } from '@babychain/state';
import { expect, onTestFailed } from 'vitest';
import { Devnet, type DevnetCreateOptions } from '../src/devnet.ts';
import { sleep, waitFor } from '../src/wait.ts';

export { sleep, waitFor };

// -----------------------------------------------------------------------------------------------------------------
// Temporary devnets
// -----------------------------------------------------------------------------------------------------------------

const live = new Set<Devnet>();

// Last resort: if the test process exits without afterAll having run, no node may outlive it.
process.once('exit', () => {
  for (const devnet of live) {
    for (const node of devnet.nodes) {
      if (node.pid === null) continue;
      try {
        process.kill(node.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** A devnet in a fresh directory under the OS temp dir; `disposeDevnet` (in afterAll) kills it and deletes it. */
export async function tmpDevnet(options: Omit<DevnetCreateOptions, 'dir'>): Promise<Devnet> {
  const dir = mkdtempSync(join(tmpdir(), 'babychain-e2e-'));
  const devnet = await Devnet.create({ ...options, dir });
  live.add(devnet);
  return devnet;
}

/** Kills every node of the devnet and deletes its directory (kept when BABYCHAIN_E2E_KEEP is set). */
export async function disposeDevnet(devnet: Devnet | undefined): Promise<void> {
  if (devnet === undefined) return;
  try {
    await devnet.killAll();
  } finally {
    live.delete(devnet);
    if (process.env['BABYCHAIN_E2E_KEEP'] === undefined) rmSync(devnet.dir, { recursive: true, force: true });
    else console.log(`devnet kept in ${devnet.dir}`);
  }
}

/** When the current test fails, prints the end of every node's log (call at the start of a test). */
export function logsOnFailure(get: () => Devnet | undefined, lines = 25): void {
  onTestFailed(() => {
    const devnet = get();
    if (devnet === undefined) return;
    for (const [i, node] of devnet.nodes.entries()) {
      const exit = devnet.exitInfo(i);
      console.error(
        `\n--- ${node.log} (pid ${node.pid ?? '-'}${exit === null ? '' : `, exited ${exit.code ?? exit.signal}`}) ---`,
      );
      for (const line of devnet.logTail(i, lines)) console.error(line);
    }
  });
}

// -----------------------------------------------------------------------------------------------------------------
// Heights
// -----------------------------------------------------------------------------------------------------------------

export const all = (devnet: Devnet): number[] => devnet.nodes.map((_, i) => i);
export const except = (devnet: Devnet, ...out: number[]): number[] => all(devnet).filter((i) => !out.includes(i));

/** Heights of the given nodes; throws if one does not answer. */
export async function heights(devnet: Devnet, nodes: readonly number[]): Promise<number[]> {
  const hs = await devnet.heights(nodes);
  return hs.map((h, k) => {
    if (h === null) throw new Error(`node ${nodes[k]} does not answer /status`);
    return h;
  });
}

/** The highest committed height among the given nodes that answer (0 when none does). */
export async function tip(devnet: Devnet, nodes: readonly number[] = all(devnet)): Promise<number> {
  return Math.max(0, ...(await devnet.heights(nodes)).filter((h) => h !== null));
}

/** Waits until every node in `nodes` has committed `target`; returns the elapsed milliseconds. */
export async function reach(
  devnet: Devnet,
  target: number,
  nodes: readonly number[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  await devnet.waitForHeight(target, { nodes, timeoutMs, intervalMs: 200 });
  return Date.now() - started;
}

/**
 * Waits until node `i` is at the tip of the others: its height is at least the others' highest height minus one
 * (one block may be in flight between two polls). Returns the elapsed milliseconds.
 */
export async function catchUp(
  devnet: Devnet,
  i: number,
  others: readonly number[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let last = '';
  await waitFor(
    async () => {
      const [mine, ...theirs] = await devnet.heights([i, ...others]);
      const top = Math.max(...theirs.filter((h) => h !== null));
      last = `node ${i} at ${mine}, others at ${theirs.join(', ')}`;
      return mine !== null && mine !== undefined && top > 0 && mine >= top - 1;
    },
    { timeoutMs, intervalMs: 250, message: () => `node ${i} to catch up (${last})` },
  );
  return Date.now() - started;
}

/**
 * Watches the nodes for `ms` milliseconds (polling every 400 ms) and returns, per node, how much its height rose
 * from the first observation to the highest one. A node that stops answering counts from what was seen.
 */
export async function observe(devnet: Devnet, nodes: readonly number[], ms: number): Promise<number[]> {
  const first = await heights(devnet, nodes);
  const highest = [...first];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(Math.min(400, Math.max(0, end - Date.now())));
    const now = await devnet.heights(nodes);
    now.forEach((h, k) => {
      if (h !== null && h > (highest[k] as number)) highest[k] = h;
    });
  }
  return highest.map((h, k) => h - (first[k] as number));
}

/**
 * The first committed block from height `from` on that carries evidence (CONS-13), as node `client` serves it: the
 * blocks are read one by one up to its tip, and again as it grows, until one has some.
 */
export async function firstBlockWithEvidence(
  client: BabyClient,
  from: bigint,
  timeoutMs: number,
): Promise<BlockRecord> {
  let next = from;
  return waitFor(
    async () => {
      const top = (await client.status()).height;
      for (; next <= top; next++) {
        const block = await client.block(next);
        if (block.evidence.length > 0) return block;
      }
      return null;
    },
    { timeoutMs, intervalMs: 300, message: () => `a block carrying evidence (read heights ${from} to ${next - 1n})` },
  );
}

/** No node reports an equivocation. */
export async function evidenceCounts(devnet: Devnet): Promise<number[]> {
  const reports = await devnet.status();
  return reports.flatMap((r) => (r.status === undefined ? [] : [r.status.evidence]));
}

// -----------------------------------------------------------------------------------------------------------------
// Accounts and transfers
// -----------------------------------------------------------------------------------------------------------------

export interface TestAccount {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly addressBytes: Uint8Array;
  readonly address: string;
}

export function newAccount(): TestAccount {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const publicKey = publicKeyFromSeed(seed);
  const addressBytes = addressFromPublicKey(publicKey);
  return { seed, publicKey, addressBytes, address: encodeAddress(addressBytes, 'baby') };
}

export interface AckedTransfer {
  readonly id: string;
  readonly from: string;
  readonly nonce: bigint;
  /** the height GET /txs/<id> reported */
  readonly height: number;
  /** when the commit was observed */
  readonly at: number;
}

export const TRANSFER_AMOUNT = 1_000n;
export const TRANSFER_FEE = DEFAULT_PARAMS.minFee;

/**
 * Keeps transfers flowing: each sender submits its next nonce (to a random running node), polls GET /txs/<id> until
 * the node reports it committed, records it, and moves on. A transfer that is refused or not committed within
 * `commitTimeoutMs` makes the sender re-read its nonce from the chain. Every transfer has the same amount and fee,
 * so a sender's balance is determined by its nonce.
 */
export class TransferLoop {
  readonly acked: AckedTransfer[] = [];
  readonly submitted: { id: string; from: string; nonce: bigint }[] = [];
  errors = 0;
  #running = false;
  #loops: Promise<void>[] = [];
  readonly #devnet: Devnet;
  readonly #pairs: readonly { from: TestAccount; to: TestAccount }[];
  readonly #commitTimeoutMs: number;

  constructor(devnet: Devnet, pairs: readonly { from: TestAccount; to: TestAccount }[], commitTimeoutMs = 5000) {
    this.#devnet = devnet;
    this.#pairs = pairs;
    this.#commitTimeoutMs = commitTimeoutMs;
  }

  start(): void {
    this.#running = true;
    this.#loops = this.#pairs.map((pair) => this.#run(pair.from, pair.to));
  }

  /** Stops submitting and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  #client(): BabyClient | null {
    const running = this.#devnet.nodes.flatMap((_, i) => (this.#devnet.isRunning(i) ? [i] : []));
    if (running.length === 0) return null;
    const i = running[Math.floor(Math.random() * running.length)] as number;
    return this.#devnet.rpc(i, 2000);
  }

  async #nonceOf(address: string): Promise<bigint | null> {
    const client = this.#client();
    if (client === null) return null;
    try {
      return (await client.account(address)).nonce;
    } catch {
      return null;
    }
  }

  async #run(from: TestAccount, to: TestAccount): Promise<void> {
    const chainId = this.#devnet.state.chainId;
    let nonce: bigint | null = null;
    while (this.#running) {
      nonce ??= await this.#nonceOf(from.address);
      if (nonce === null) {
        await sleep(200);
        continue;
      }
      const tx = signedTransfer({
        chainId,
        seed: from.seed,
        publicKey: from.publicKey,
        to: to.addressBytes,
        amount: TRANSFER_AMOUNT,
        fee: TRANSFER_FEE,
        nonce,
        memo: `e2e ${nonce}`,
      });
      const id = txIdHex(tx);
      const client = this.#client();
      try {
        if (client === null) throw new Error('no node runs');
        await client.submit(tx);
        this.submitted.push({ id, from: from.address, nonce });
      } catch {
        this.errors++;
        nonce = null;
        await sleep(200);
        continue;
      }
      const deadline = Date.now() + this.#commitTimeoutMs;
      let committed = false;
      while (this.#running && Date.now() < deadline) {
        try {
          const found = await client.tx(id);
          if (found !== null) {
            this.acked.push({ id, from: from.address, nonce, height: Number(found.height), at: Date.now() });
            committed = true;
            break;
          }
        } catch {
          break; // the node went away: re-read the nonce from another one
        }
        await sleep(100);
      }
      nonce = committed ? nonce + 1n : null;
    }
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Scenario scaffolding
// -----------------------------------------------------------------------------------------------------------------

/** The commit wait of the fault scenarios: ~0.4 s blocks, so each scenario needs a few seconds of chain. */
export const FAST_COMMIT_WAIT_MS = 300;

/** A devnet of 4 validators in a temp dir, started, every node past height 2. */
export async function started(options: Omit<DevnetCreateOptions, 'dir' | 'validators'> = {}): Promise<Devnet> {
  const devnet = await tmpDevnet({ validators: 4, commitWaitMs: FAST_COMMIT_WAIT_MS, ...options });
  devnet.startAll();
  await reach(devnet, 2, all(devnet), 30_000);
  return devnet;
}

/** Safety on every node that answers (at least `minNodes` of them) and no equivocation reported anywhere. */
export async function expectSafe(devnet: Devnet, minNodes = devnet.size): Promise<number> {
  const report = await devnet.checkSafety();
  expect(report.nodes.length).toBeGreaterThanOrEqual(minNodes);
  expect(await evidenceCounts(devnet)).toEqual(report.nodes.map(() => 0));
  return report.height;
}

/**
 * Safety where a validator equivocated: equal block and app hashes at every height on exactly `nodes` (the others
 * are stopped and do not answer), whatever evidence they hold. Returns the height compared up to.
 */
export async function expectOneChain(devnet: Devnet, nodes: readonly number[]): Promise<number> {
  const report = await devnet.checkSafety();
  expect(report.nodes).toEqual([...nodes].sort((a, b) => a - b));
  return report.height;
}

export const log = (scenario: string, what: string): void => console.log(`[${scenario}] ${what}`);
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What a program run to its end printed, its exit code (null when killed) and how long it took. */
export interface ProgramRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a program to its end (killed after `timeoutMs`, when given), collecting its output; stdin is closed. */
export function runProgram(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProgramRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
    child.stdin.end();
  });
}
