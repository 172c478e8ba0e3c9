/**
 * The local multi-process devnet: creates the homes of n validators (and full nodes) sharing one genesis, runs each
 * node as a detached `baby start` process, and perturbs them (kill, stop, pause, partition) for the CLI
 * (`pnpm devnet …`) and the end-to-end fault tests. Everything it knows lives in `<dir>/devnet.json`, so a later
 * process can pick the devnet up again with `Devnet.load(dir)`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { BabyClient, type NodeStatus } from '@babychain/client';
import type { GovParams, Params } from '@babychain/codec';
import { fromHex } from '@babychain/codec';
import { type TimeoutParams, ValidatorSet } from '@babychain/consensus';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { initHome, NODE_VERSION, peerIdFromSeed } from '@babychain/node';
import type { GenesisJson } from '@babychain/state';
import { createDevGenesis, DEFAULT_GOV_PARAMS, genesisToJson } from '@babychain/state';
import { setDenylist } from './admin.ts';
import { devnetError } from './errors.ts';
import { freePorts } from './ports.ts';
import { compareChains, type SafetyReport } from './safety.ts';
import { waitFor } from './wait.ts';

/** The repository root (devnet/src/../..): the cwd of every node process. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The `baby` command's entry point: a node runs as `node <this> start --home <home>`. */
export const NODE_MAIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'main.ts');
/** The supervisor of a launcher-mode devnet: a node runs as `node <this> run --home <home>` (LCH-*). */
export const LAUNCHER_MAIN = join(REPO_ROOT, 'packages', 'launcher', 'src', 'main.ts');
export const STATE_FILE = 'devnet.json';
export const DEFAULT_CHAIN_ID = 'babychain-dev-1';
export const VALIDATOR_POWER = 10n;
/** How long `rpc(i)` waits for a node's answer unless told otherwise. */
export const RPC_TIMEOUT_MS = 3000;

export interface DevnetNode {
  readonly moniker: string;
  readonly home: string;
  readonly rpcUrl: string;
  readonly p2pAddress: string;
  readonly peerId: string;
  /** the running process, or null when the devnet did not start it or saw it end */
  pid: number | null;
  readonly validator: boolean;
  /** bech32 address of the validator key (what GET /blocks names as proposer), null on a full node */
  readonly validatorAddress: string | null;
  /** `<home>/node.log`: the node's stdout and stderr, appended */
  readonly log: string;
}

export interface DevnetState {
  readonly version: 1;
  readonly chainId: string;
  readonly createdAtMs: number;
  readonly commitWaitMs: number | null;
  readonly timeouts: Partial<TimeoutParams>;
  /** the funded accounts of the genesis */
  readonly accounts: readonly { readonly address: string; readonly balance: string }[];
  /** only for testing the manager itself: a script run instead of the `baby` CLI */
  readonly nodeMain?: string;
  /** every node runs under `baby-launcher`, starting from the source tree as release `sourceVersion`, with `args` */
  readonly launcher?: { readonly sourceVersion: string; readonly args?: readonly string[] };
  /** the nodes' RPC rate limit, when not the node's default */
  readonly rpcRateLimit?: { readonly max: number; readonly windowMs: number };
  nodes: DevnetNode[];
  /** the partition in force (node indexes per group), or null */
  partition: number[][] | null;
}

export interface DevnetCreateOptions {
  readonly dir: string;
  /** number of validators, each with power 10 */
  readonly validators: number;
  /** non-validator nodes created (not started) with the validators; default 0 */
  readonly fullNodes?: number;
  readonly chainId?: string;
  /** genesis balances (bech32 addresses) */
  readonly accounts?: readonly { readonly address: string; readonly balance: bigint }[];
  /** the node's pause after a commit; a block takes about this plus 50 ms on loopback. Default: the node's (900 ms). */
  readonly commitWaitMs?: number;
  readonly timeouts?: Partial<TimeoutParams>;
  /** first port: node i gets p2p basePort+2i and rpc basePort+2i+1. Default: free ports found by binding port 0. */
  readonly basePort?: number;
  /** only for testing the manager itself: a script run as `node <nodeMain> start --home <home>` */
  readonly nodeMain?: string;
  /** GOV-2 parameters of the genesis (absent fields: the defaults) */
  readonly govParams?: Partial<GovParams>;
  /** chain parameters of the genesis (absent fields: DEFAULT_PARAMS) */
  readonly params?: Partial<Params>;
  /** ubaby given to each validator's own address, its governance identity (GOV-1) that pays its votes' fees */
  readonly validatorFunds?: bigint;
  /** GEN-5: the app version the chain starts at; default 0 */
  readonly appVersion?: number;
  /** run every node under `baby-launcher`, starting from this source tree as release `sourceVersion`, with `args` */
  readonly launcher?: { readonly sourceVersion: string; readonly args?: readonly string[] };
  /** every node's RPC rate limit (RPC-10); default the node's, 600 per 10 s, which a load generator exceeds */
  readonly rpcRateLimit?: { readonly max: number; readonly windowMs: number };
}

export type NodeReport = {
  readonly index: number;
  readonly moniker: string;
  readonly validator: boolean;
  readonly rpcUrl: string;
  readonly pid: number | null;
  readonly running: boolean;
} & (
  | { readonly status: NodeStatus; readonly error?: undefined }
  | { readonly status?: undefined; readonly error: string }
);

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class Devnet {
  readonly dir: string;
  readonly state: DevnetState;
  /** processes this instance spawned, by node index (their exit is observed; a zombie never counts as alive) */
  readonly #children = new Map<number, ChildProcess>();
  readonly #exits = new Map<number, ExitInfo>();
  #genesis: GenesisJson | undefined;
  #validatorSet: ValidatorSet | undefined;

  private constructor(dir: string, state: DevnetState) {
    this.dir = dir;
    this.state = state;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Creating and loading
  // ---------------------------------------------------------------------------------------------------------------

  /** Writes the homes `dir/node<i>` (validators first) and `dir/devnet.json`. Starts nothing. */
  static async create(options: DevnetCreateOptions): Promise<Devnet> {
    const dir = resolve(options.dir);
    const validators = options.validators;
    const fullNodes = options.fullNodes ?? 0;
    if (!Number.isInteger(validators) || validators < 1 || validators > 64) {
      throw devnetError('DEVNET_BAD_ARGS', `the number of validators must be 1 to 64, not ${validators}`);
    }
    if (!Number.isInteger(fullNodes) || fullNodes < 0 || fullNodes > 64) {
      throw devnetError('DEVNET_BAD_ARGS', `the number of full nodes must be 0 to 64, not ${fullNodes}`);
    }
    if (existsSync(join(dir, STATE_FILE))) {
      throw devnetError('DEVNET_ALREADY_RUNNING', `${dir} already holds a devnet: remove it first (Devnet.remove)`);
    }
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw devnetError('DEVNET_DIR_NOT_DEVNET', `${dir} exists and is not empty`);
    }
    mkdirSync(dir, { recursive: true });

    const total = validators + fullNodes;
    const ports =
      options.basePort === undefined
        ? await freePorts(2 * total)
        : Array.from({ length: 2 * total }, (_, k) => (options.basePort as number) + k);
    const nodeKeySeeds = Array.from({ length: total }, () => new Uint8Array(randomBytes(32)));
    const validatorSeeds = Array.from({ length: validators }, () => new Uint8Array(randomBytes(32)));
    const peerIds = await Promise.all(nodeKeySeeds.map((seed) => peerIdFromSeed(seed)));
    const addresses = peerIds.map((peerId, i) => `/ip4/127.0.0.1/tcp/${ports[2 * i]}/p2p/${peerId}`);

    const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
    const accounts = options.accounts ?? [];
    const validatorFunds = options.validatorFunds ?? 0n;
    const funded =
      validatorFunds === 0n ? [] : validatorSeeds.map((seed) => addressFromPublicKey(publicKeyFromSeed(seed)));
    const genesis = genesisToJson(
      createDevGenesis({
        chainId,
        accounts: [
          ...accounts.map((a) => ({ address: a.address, balance: a.balance })),
          ...funded.map((address) => ({ address, balance: validatorFunds })),
        ],
        ...(options.govParams === undefined ? {} : { govParams: { ...DEFAULT_GOV_PARAMS, ...options.govParams } }),
        ...(options.params === undefined ? {} : { params: options.params }),
        // GOV-3: the release every node starts on, so that a plan must name a later one.
        releaseVersion: options.launcher?.sourceVersion ?? NODE_VERSION,
        appVersion: options.appVersion ?? 0,
        validators: validatorSeeds.map((seed, i) => ({
          name: `node${i}`,
          publicKey: publicKeyFromSeed(seed),
          power: VALIDATOR_POWER,
        })),
        genesisTimeMs: BigInt(Date.now()),
      }),
    );
    writeFileSync(join(dir, 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`);

    const state: DevnetState = {
      version: 1,
      chainId,
      createdAtMs: Date.now(),
      commitWaitMs: options.commitWaitMs ?? null,
      timeouts: { ...options.timeouts },
      accounts: accounts.map((a) => ({ address: a.address, balance: a.balance.toString() })),
      ...(options.nodeMain === undefined ? {} : { nodeMain: resolve(options.nodeMain) }),
      ...(options.launcher === undefined ? {} : { launcher: options.launcher }),
      ...(options.rpcRateLimit === undefined ? {} : { rpcRateLimit: options.rpcRateLimit }),
      nodes: [],
      partition: null,
    };
    for (let i = 0; i < total; i++) {
      const validatorSeed = validatorSeeds[i];
      state.nodes.push(
        await initNode(dir, state, genesis, {
          index: i,
          p2pPort: ports[2 * i] as number,
          rpcPort: ports[2 * i + 1] as number,
          nodeKeySeed: nodeKeySeeds[i] as Uint8Array,
          ...(validatorSeed === undefined ? {} : { validatorSeed }),
          bootstrap: addresses.filter((_, j) => j !== i),
        }),
      );
    }
    const devnet = new Devnet(dir, state);
    devnet.save();
    return devnet;
  }

  /** Picks up the devnet described by `dir/devnet.json`. */
  static load(dir: string): Devnet {
    const absolute = resolve(dir);
    const path = join(absolute, STATE_FILE);
    if (!existsSync(path)) throw devnetError('DEVNET_NOT_FOUND', `no devnet in ${absolute} (${STATE_FILE} is missing)`);
    let state: DevnetState;
    try {
      state = JSON.parse(readFileSync(path, 'utf8')) as DevnetState;
    } catch (err) {
      throw devnetError('DEVNET_BAD_STATE_FILE', `${path} is not valid JSON`, { path }, { cause: err });
    }
    if (state.version !== 1 || !Array.isArray(state.nodes) || typeof state.chainId !== 'string') {
      throw devnetError('DEVNET_BAD_STATE_FILE', `${path} is not a devnet state file of version 1`, { path });
    }
    return new Devnet(absolute, state);
  }

  /** Kills every node of the devnet in `dir` (if there is one) and deletes the directory. */
  static async remove(dir: string): Promise<void> {
    const absolute = resolve(dir);
    if (!existsSync(absolute)) return;
    if (!existsSync(join(absolute, STATE_FILE))) {
      if (readdirSync(absolute).length > 0) {
        throw devnetError('DEVNET_DIR_NOT_DEVNET', `${absolute} is not a devnet directory; not deleting it`);
      }
    } else {
      await Devnet.load(absolute).killAll();
    }
    rmSync(absolute, { recursive: true, force: true });
  }

  save(): void {
    const path = join(this.dir, STATE_FILE);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }

  get nodes(): readonly DevnetNode[] {
    return this.state.nodes;
  }

  get size(): number {
    return this.state.nodes.length;
  }

  /** indexes of the validators */
  get validatorIndexes(): number[] {
    return this.state.nodes.flatMap((n, i) => (n.validator ? [i] : []));
  }

  node(i: number): DevnetNode {
    const node = Number.isInteger(i) ? this.state.nodes[i] : undefined;
    if (node === undefined) {
      throw devnetError('DEVNET_NO_SUCH_NODE', `there is no node ${i}: this devnet has nodes 0 to ${this.size - 1}`);
    }
    return node;
  }

  /** A @babychain/client BabyClient for node i's RPC. */
  rpc(i: number, timeoutMs = RPC_TIMEOUT_MS): BabyClient {
    return new BabyClient({ url: this.node(i).rpcUrl, timeoutMs });
  }

  /**
   * Adds a node bootstrapping to every validator, not started; returns its index. With `validatorKey` it holds a
   * fresh consensus key that is in no set yet: it follows the chain as a full node until governance adds it (VAL-3).
   */
  async addFullNode(options: { readonly basePort?: number; readonly validatorKey?: boolean } = {}): Promise<number> {
    const genesis = this.genesis();
    const [p2pPort, rpcPort] =
      options.basePort === undefined ? await freePorts(2) : [options.basePort, options.basePort + 1];
    const index = this.size;
    const node = await initNode(this.dir, this.state, genesis, {
      index,
      p2pPort: p2pPort as number,
      rpcPort: rpcPort as number,
      nodeKeySeed: new Uint8Array(randomBytes(32)),
      ...(options.validatorKey === true ? { validatorSeed: new Uint8Array(randomBytes(32)) } : {}),
      bootstrap: this.state.nodes.filter((n) => n.validator).map((n) => n.p2pAddress),
    });
    this.state.nodes.push(node);
    this.save();
    return index;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Processes
  // ---------------------------------------------------------------------------------------------------------------

  /** Whether node i's process is alive (a stopped, SIGSTOPped process counts as alive). */
  isRunning(i: number): boolean {
    const node = this.node(i);
    if (node.pid === null) return false;
    const child = this.#children.get(i);
    if (child !== undefined && child.pid === node.pid) return child.exitCode === null && child.signalCode === null;
    return pidAlive(node.pid, node.home);
  }

  /** How the process this instance last started for node i ended; null while it runs or when unknown. */
  exitInfo(i: number): ExitInfo | null {
    return this.#exits.get(i) ?? null;
  }

  /** Starts node i as a detached process (it outlives this one), output appended to its log. */
  start(i: number): number {
    const node = this.node(i);
    if (this.isRunning(i)) throw devnetError('DEVNET_ALREADY_RUNNING', `node ${i} already runs (pid ${node.pid})`);
    const launcher = this.state.launcher;
    if (launcher !== undefined && !existsSync(join(node.home, 'launcher', 'current'))) {
      execFileSync(
        process.execPath,
        [LAUNCHER_MAIN, 'install', '--home', node.home, '--source', REPO_ROOT, '--version', launcher.sourceVersion],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    }
    const args = [
      ...nodeFlags(),
      ...(launcher === undefined
        ? [this.state.nodeMain ?? NODE_MAIN, 'start', '--home', node.home]
        : [LAUNCHER_MAIN, 'run', '--home', node.home, ...(launcher.args ?? [])]),
    ];
    const fd = openSync(node.log, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) throw devnetError('DEVNET_NOT_RUNNING', `node ${i} could not be started`);
    child.unref();
    this.#exits.delete(i);
    this.#children.set(i, child);
    child.once('exit', (code, signal) => {
      if (this.#children.get(i) === child) this.#exits.set(i, { code, signal });
    });
    node.pid = pid;
    this.save();
    return pid;
  }

  /** Starts every node that is not running (full nodes included). */
  startAll(): void {
    for (let i = 0; i < this.size; i++) if (!this.isRunning(i)) this.start(i);
  }

  /** kill -9 */
  async kill(i: number): Promise<void> {
    const node = this.node(i);
    if (!this.isRunning(i)) {
      node.pid = null;
      this.save();
      return;
    }
    this.#signal(i, 'SIGKILL');
    await waitFor(() => !this.isRunning(i), { timeoutMs: 10_000, intervalMs: 20, message: `node ${i} to die` });
    node.pid = null;
    this.save();
  }

  /** SIGKILL to every running node at once, then waits for them to be gone. */
  async killAll(): Promise<void> {
    const running = this.state.nodes.flatMap((_, i) => (this.isRunning(i) ? [i] : []));
    for (const i of running) this.#signal(i, 'SIGKILL');
    await Promise.all(running.map((i) => this.kill(i)));
  }

  /** Graceful stop: SIGTERM (and SIGCONT, in case it is paused), then waits for the exit; SIGKILL after timeoutMs. */
  async stop(i: number, timeoutMs = 20_000): Promise<{ forced: boolean }> {
    const node = this.node(i);
    if (!this.isRunning(i)) {
      node.pid = null;
      this.save();
      return { forced: false };
    }
    this.#signal(i, 'SIGTERM');
    this.#signal(i, 'SIGCONT');
    let forced = false;
    try {
      await waitFor(() => !this.isRunning(i), { timeoutMs, intervalMs: 50, message: `node ${i} to exit` });
    } catch {
      forced = true;
      await this.kill(i);
    }
    node.pid = null;
    this.save();
    return { forced };
  }

  /** SIGSTOP: the process freezes, its sockets stay open. */
  pause(i: number): void {
    this.#requireRunning(i);
    this.#signal(i, 'SIGSTOP');
  }

  /** SIGCONT */
  resume(i: number): void {
    this.#requireRunning(i);
    this.#signal(i, 'SIGCONT');
  }

  /** Stops every node gracefully (in parallel); the homes and their data stay. */
  async down(): Promise<{ forced: number[] }> {
    const results = await Promise.all(this.state.nodes.map((_, i) => this.stop(i)));
    this.state.partition = null;
    this.save();
    return { forced: results.flatMap((r, i) => (r.forced ? [i] : [])) };
  }

  #requireRunning(i: number): void {
    if (!this.isRunning(i)) throw devnetError('DEVNET_NOT_RUNNING', `node ${i} is not running`);
  }

  /** Signals node i's process group: a detached node leads its own, and under a launcher the node is in it too. */
  #signal(i: number, signal: NodeJS.Signals): void {
    const pid = this.node(i).pid;
    if (pid === null) return;
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, signal);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Network
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Splits the network: each running node denylists the peers of every node outside its group. Every node must be
   * in exactly one group. Nodes not running are skipped (returned): they are not partitioned when started later.
   */
  async partition(groups: readonly (readonly number[])[]): Promise<{ skipped: number[] }> {
    const seen = new Set<number>();
    for (const group of groups) {
      if (group.length === 0) throw devnetError('DEVNET_BAD_PARTITION', 'a partition group is empty');
      for (const i of group) {
        this.node(i);
        if (seen.has(i)) throw devnetError('DEVNET_BAD_PARTITION', `node ${i} is in two groups`);
        seen.add(i);
      }
    }
    const missing = this.state.nodes.map((_, i) => i).filter((i) => !seen.has(i));
    if (missing.length > 0) {
      throw devnetError('DEVNET_BAD_PARTITION', `every node must be in a group; missing: ${missing.join(', ')}`);
    }
    const skipped: number[] = [];
    await Promise.all(
      groups.flatMap((group) =>
        group.map(async (i) => {
          if (!this.isRunning(i)) {
            skipped.push(i);
            return;
          }
          const outside = this.state.nodes.filter((_, j) => !group.includes(j)).map((n) => n.peerId);
          await setDenylist(this.node(i).rpcUrl, outside);
        }),
      ),
    );
    this.state.partition = groups.map((g) => [...g]);
    this.save();
    return { skipped: skipped.sort((a, b) => a - b) };
  }

  /** Lifts every denylist (on the running nodes). */
  async heal(): Promise<{ skipped: number[] }> {
    const skipped: number[] = [];
    await Promise.all(
      this.state.nodes.map(async (_, i) => {
        if (!this.isRunning(i)) {
          skipped.push(i);
          return;
        }
        await setDenylist(this.node(i).rpcUrl, []);
      }),
    );
    this.state.partition = null;
    this.save();
    return { skipped: skipped.sort((a, b) => a - b) };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Observation
  // ---------------------------------------------------------------------------------------------------------------

  /** GET /status of every node; an unreachable node gives `{ error }`. */
  async status(timeoutMs = 2000): Promise<NodeReport[]> {
    return Promise.all(
      this.state.nodes.map(async (node, i): Promise<NodeReport> => {
        const base = {
          index: i,
          moniker: node.moniker,
          validator: node.validator,
          rpcUrl: node.rpcUrl,
          pid: node.pid,
          running: this.isRunning(i),
        };
        try {
          return { ...base, status: await this.rpc(i, timeoutMs).status() };
        } catch (err) {
          return { ...base, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }

  /** The last committed height of each node, null when it does not answer. */
  async heights(
    nodes: readonly number[] = this.state.nodes.map((_, i) => i),
    timeoutMs = 2000,
  ): Promise<(number | null)[]> {
    return Promise.all(
      nodes.map(async (i) => {
        try {
          return Number((await this.rpc(i, timeoutMs).status()).height);
        } catch {
          return null;
        }
      }),
    );
  }

  /** Waits until every listed node (default: every running node) has committed height `h`. */
  async waitForHeight(
    h: number,
    options: { readonly nodes?: readonly number[]; readonly timeoutMs: number; readonly intervalMs?: number },
  ): Promise<number[]> {
    const nodes = options.nodes ?? this.state.nodes.flatMap((_, i) => (this.isRunning(i) ? [i] : []));
    let last: (number | null)[] = [];
    return waitFor(
      async () => {
        last = await this.heights(nodes);
        return last.every((x) => x !== null && x >= h) ? (last as number[]) : null;
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs ?? 250,
        message: () => `height ${h} on nodes ${nodes.join(', ')} (last seen: ${last.map(String).join(', ')})`,
      },
    );
  }

  /**
   * Fetches the block hashes and app hashes of every height from every reachable node and throws
   * DEVNET_SAFETY_VIOLATION if two nodes disagree at a height. Returns the highest height compared.
   */
  async checkSafety(): Promise<SafetyReport & { readonly nodes: number[] }> {
    const reachable: number[] = [];
    const views = await Promise.all(
      this.state.nodes.map(async (node, i) => {
        const rpc = this.rpc(i, 10_000);
        let top: bigint;
        try {
          top = (await rpc.status()).height;
        } catch {
          return null;
        }
        reachable.push(i);
        const blocks = [];
        for (let from = 1n; from <= top; from += 1000n) {
          const to = from + 999n;
          blocks.push(...(await rpc.blocks(from, to < top ? to : top)));
        }
        return { node: node.moniker, blocks };
      }),
    );
    const report = compareChains(views.filter((v) => v !== null));
    return { ...report, nodes: reachable.sort((a, b) => a - b) };
  }

  /**
   * The node index of the proposer of (height, round) under the genesis validator set (CONS-3's schedule, computed
   * with the consensus package's own ValidatorSet), or -1 if no node of the devnet holds that key.
   */
  proposerOf(height: number, round = 0): number {
    this.#validatorSet ??= ValidatorSet.fromGenesis(
      this.genesis().validators.map((v) => ({ name: v.name, publicKey: fromHex(v.publicKey), power: BigInt(v.power) })),
    );
    const proposer = this.#validatorSet.byIndex(this.#validatorSet.proposer(BigInt(height), round));
    const address = encodeAddress(proposer.address, this.genesis().addressPrefix);
    return this.state.nodes.findIndex((n) => n.validatorAddress === address);
  }

  /** The shared genesis (`dir/genesis.json`). */
  genesis(): GenesisJson {
    this.#genesis ??= JSON.parse(readFileSync(join(this.dir, 'genesis.json'), 'utf8')) as GenesisJson;
    return this.#genesis;
  }

  /** The last `lines` lines of node i's log. */
  logTail(i: number, lines = 40): string[] {
    return tailLines(this.node(i).log, lines);
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------------------------------------------

async function initNode(
  dir: string,
  state: DevnetState,
  genesis: GenesisJson,
  n: {
    index: number;
    p2pPort: number;
    rpcPort: number;
    nodeKeySeed: Uint8Array;
    validatorSeed?: Uint8Array;
    bootstrap: string[];
  },
): Promise<DevnetNode> {
  const home = join(dir, `node${n.index}`);
  const moniker = `node${n.index}`;
  const result = await initHome({
    home,
    moniker,
    genesis,
    p2pPort: n.p2pPort,
    rpcPort: n.rpcPort,
    nodeKeySeed: n.nodeKeySeed,
    ...(n.validatorSeed === undefined ? {} : { validatorSeed: n.validatorSeed }),
    bootstrap: n.bootstrap,
    devnetAdmin: true,
    ...(state.commitWaitMs === null ? {} : { commitWaitMs: state.commitWaitMs }),
    ...(state.rpcRateLimit === undefined ? {} : { rpcRateLimit: state.rpcRateLimit }),
    timeouts: state.timeouts,
  });
  return {
    moniker,
    home,
    rpcUrl: result.rpcUrl,
    p2pAddress: result.p2pAddress,
    peerId: result.peerId,
    pid: null,
    validator: n.validatorSeed !== undefined,
    validatorAddress:
      n.validatorSeed === undefined
        ? null
        : encodeAddress(addressFromPublicKey(publicKeyFromSeed(n.validatorSeed)), genesis.addressPrefix),
    log: join(home, 'node.log'),
  };
}

/**
 * Whether `pid` is a live process running the node of `home`: signal 0 answers for any process, so on Linux the
 * command line must also name the home (a recycled pid is not our node) and a zombie does not count.
 */
export function pidAlive(pid: number, home?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (home !== undefined) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(home);
  } catch {
    // no /proc (not Linux) or the process just ended: signal 0 is all we have
  }
  return true;
}

/** The last `lines` lines of a text file (reads at most its last 256 KiB); [] when it does not exist. */
export function tailLines(path: string, lines: number): string[] {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return [];
  }
  const length = Math.min(size, 256 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const all = buffer.toString('utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines);
}

/**
 * Extra Node.js flags for every node process, from DEVNET_NODE_FLAGS (space-separated): how to profile a node under
 * load (`--cpu-prof --cpu-prof-dir=/tmp/prof`), which NODE_OPTIONS does not allow.
 */
function nodeFlags(): string[] {
  return (process.env['DEVNET_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
}
