/**
 * A deterministic in-process simulation of several consensus drivers (driver.ts) for tests: real App, ChainStore,
 * Wal and DoubleSignGuard per node in tmp dirs, a virtual clock, and an in-memory network whose deliveries happen
 * only when every node is idle (no store or file operation in flight), in a fixed order. Virtual time moves only
 * when the whole system is quiescent, one timer at a time, so a run depends on its inputs alone.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BlocksResponse, CatchUpResponse, ConsensusMessage, Genesis, Vote } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import type { CommittedBlock, TimeoutParams } from '@babychain/consensus';
import { ConsensusDriver, DEFAULT_TIMEOUTS, DoubleSignGuard, ValidatorSet, Wal } from '@babychain/consensus';
import { addressFromPublicKey, publicKeyFromSeed } from '@babychain/crypto';
import type { Governance } from '@babychain/state';
import { App, createDevGenesis } from '@babychain/state';
import { createGovernance } from '@babychain/upgrade';
import { ChainStore } from './chain-store.ts';
import type {
  CommitRecord,
  Envelope,
  Incarnation,
  PendingRequest,
  RequestRecord,
  Sent,
  SimNode,
  SimOptions,
  StoreName,
} from './sim-parts.testutil.ts';
import {
  baseDir,
  GENESIS_TIME_MS,
  noop,
  recordingLogger,
  SIM_CHAIN_ID,
  trackCalls,
  VirtualClock,
  WALLET_BALANCE,
  WALLET_SEED,
} from './sim-parts.testutil.ts';
import { findSafetyProblems } from './sim-safety.testutil.ts';

export class Sim {
  readonly genesis: Genesis;
  readonly validators: ValidatorSet;
  readonly nodes: SimNode[] = [];
  readonly commitWaitMs: number;
  readonly timeouts: TimeoutParams;
  /** every broadcast of every node, in order */
  readonly sent: Sent[] = [];
  readonly requests: RequestRecord[] = [];
  readonly penalties: { from: string; peer: string; points: number; reason: string }[] = [];
  /** gossip verdicts 'reject' (none in an honest run) */
  readonly rejected: { from: string; to: string; kind: string }[] = [];
  /** two commits of different blocks for one height (across nodes, or one node across restarts) */
  readonly forks: string[] = [];
  /** true: the message from `from` to `to` (or the request between them, either way) is lost */
  drop: (from: SimNode, to: SimNode) => boolean = () => false;
  /** called after a node broadcast a message (the message has left: it is delivered as usual) */
  onBroadcast: ((node: SimNode, message: ConsensusMessage) => void) | undefined;
  /**
   * called when a store call of a node resolved, before the driver goes on (crash points): `store` is app, chain,
   * wal or guard; for the guard's `sign`, args[0] is the SignRequest
   */
  onResolved: ((node: SimNode, store: StoreName, method: string, args: readonly unknown[]) => void) | undefined;
  /** called synchronously from onCommitted */
  onCommit: ((node: SimNode, committed: CommittedBlock) => void) | undefined;
  /** rewrites a block-sync response before the requester sees it (a byzantine peer) */
  interceptBlocks: ((from: SimNode, to: SimNode, response: BlocksResponse) => BlocksResponse) | undefined;

  readonly #dir: string;
  readonly #canonical = new Map<bigint, string>();
  readonly #haltAt: bigint | undefined;
  readonly #governance: Governance | undefined;
  readonly #clock = new VirtualClock(Number(GENESIS_TIME_MS) + 1000);
  #queue: Envelope[] = [];
  #requests: PendingRequest[] = [];
  #sendSeq = 0;
  #requestSeq = 0;
  #pending = 0;

  private constructor(options: SimOptions) {
    this.#dir = baseDir();
    this.commitWaitMs = options.commitWaitMs ?? 200;
    this.#haltAt = options.haltAt;
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    const seeds = Array.from({ length: options.validators }, (_, i) => new Uint8Array(32).fill(i + 1));
    this.genesis = createDevGenesis({
      chainId: SIM_CHAIN_ID,
      genesisTimeMs: GENESIS_TIME_MS,
      accounts: [{ address: addressFromPublicKey(publicKeyFromSeed(WALLET_SEED)), balance: WALLET_BALANCE }],
      validators: seeds.map((s, i) => ({ name: `v${i}`, publicKey: publicKeyFromSeed(s), power: 10n })),
      ...(options.appVersion === undefined ? {} : { appVersion: options.appVersion }),
    });
    this.#governance = options.appVersion === undefined ? undefined : createGovernance(this.genesis, []);
    this.validators = ValidatorSet.fromGenesis(this.genesis.validators);
    const total = options.validators + (options.followers ?? 0);
    for (let n = 0; n < total; n++) {
      const seed = seeds[n];
      const node: SimNode = {
        id: `n${n}`,
        n,
        validatorIndex: seed === undefined ? undefined : this.validators.indexOfPublicKey(publicKeyFromSeed(seed)),
        seed,
        dir: join(this.#dir, `n${n}`),
        pool: [],
        commits: new Map(),
        logs: [],
        halted: undefined,
        incarnation: undefined,
      };
      this.nodes.push(node);
    }
  }

  /** Creates the nodes and starts every driver. */
  static async start(options: SimOptions): Promise<Sim> {
    const sim = new Sim(options);
    try {
      for (const node of sim.nodes) await sim.#open(node);
      await sim.settle();
    } catch (err) {
      await sim.close();
      throw err;
    }
    return sim;
  }

  /** virtual ms */
  get now(): number {
    return this.#clock.now;
  }

  node(n: number): SimNode {
    const node = this.nodes[n];
    if (node === undefined) throw new Error(`no node ${n}`);
    return node;
  }

  /** the running incarnation of a node */
  live(node: SimNode): Incarnation {
    const inc = node.incarnation;
    if (inc === undefined || !inc.owner.alive) throw new Error(`${node.id} is down`);
    return inc;
  }

  isUp(node: SimNode): boolean {
    return node.incarnation?.owner.alive === true;
  }

  /** the node holding the validator index that proposes (height, round) */
  proposer(height: bigint, round = 0): SimNode {
    const index = this.validators.proposer(height, round);
    const node = this.nodes.find((n) => n.validatorIndex === index);
    if (node === undefined) throw new Error(`no node for validator ${index}`);
    return node;
  }

  /** the highest height a node committed (0: none) */
  height(node: SimNode): bigint {
    let h = 0n;
    for (const k of node.commits.keys()) if (k > h) h = k;
    return h;
  }

  allAt(height: bigint, nodes: readonly SimNode[] = this.nodes): boolean {
    return nodes.every((n) => this.height(n) >= height);
  }

  // --------------------------------------------------------------------------------------------------------
  // Links
  // --------------------------------------------------------------------------------------------------------

  /** Loses every message between nodes of different groups (nodes in no group talk to everyone). */
  partition(...groups: SimNode[][]): void {
    const groupOf = new Map<SimNode, number>();
    groups.forEach((g, i) => {
      for (const n of g) groupOf.set(n, i);
    });
    this.drop = (a, b) => {
      const ga = groupOf.get(a);
      const gb = groupOf.get(b);
      return ga !== undefined && gb !== undefined && ga !== gb;
    };
  }

  /** Cuts every link of `node`, both ways. */
  isolate(node: SimNode): void {
    this.drop = (a, b) => a === node || b === node;
  }

  heal(): void {
    this.drop = () => false;
  }

  // --------------------------------------------------------------------------------------------------------
  // Time
  // --------------------------------------------------------------------------------------------------------

  /** Lets every in-flight operation finish and delivers messages and requests until nothing moves. */
  async settle(): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      await this.#quiesce();
      if (this.#queue.length === 0 && this.#requests.length === 0) return;
      this.#deliver();
    }
    throw new Error('the simulation does not settle');
  }

  /** Settles, then fires timers one at a time (settling after each) until `done` holds. */
  async runUntil(what: string, done: () => boolean, limitMs = 60_000): Promise<void> {
    const deadline = this.now + limitMs;
    for (;;) {
      await this.settle();
      if (done()) return;
      const next = this.#clock.next();
      if (next === undefined || next.at > deadline) {
        throw new Error(`virtual time ran out waiting for ${what} at ${this.describe()}`);
      }
      this.#clock.fire(next);
    }
  }

  /** Runs every timer due within `ms` of virtual time. */
  async runFor(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await this.settle();
      const next = this.#clock.next();
      if (next === undefined || next.at > end) break;
      this.#clock.fire(next);
    }
    this.#clock.now = end;
  }

  describe(): string {
    return this.nodes
      .map((n) => {
        const inc = n.incarnation;
        if (inc === undefined || !inc.owner.alive) return `${n.id}:down@${this.height(n)}`;
        const s = inc.driver.status();
        return `${n.id}:${s.height}/${s.round}/${s.step}`;
      })
      .join(' ');
  }

  async #quiesce(): Promise<void> {
    let idle = 0;
    while (idle < 2) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      idle = this.#pending === 0 ? idle + 1 : 0;
    }
  }

  // --------------------------------------------------------------------------------------------------------
  // Network
  // --------------------------------------------------------------------------------------------------------

  /** Sends `message` as if `from` had broadcast it (a byzantine node's extra message); delivered in turn, as any. */
  inject(from: SimNode, message: ConsensusMessage): void {
    this.#queue.push({ from, seq: this.#sendSeq++, message });
  }

  #broadcast(node: SimNode, owner: { alive: boolean }, message: ConsensusMessage): void {
    if (!owner.alive) return;
    this.sent.push({ from: node, at: this.now, message });
    this.#queue.push({ from: node, seq: this.#sendSeq++, message });
    this.onBroadcast?.(node, message);
  }

  #request<T>(
    from: SimNode,
    owner: { alive: boolean },
    peer: string,
    kind: RequestRecord['kind'],
    serve: (to: SimNode) => Promise<T>,
  ): Promise<T> {
    const to = this.nodes.find((n) => n.id === peer);
    if (!owner.alive || to === undefined) return Promise.reject(new Error('unreachable'));
    const record: RequestRecord = { kind, from: from.id, to: peer, at: this.now, served: false };
    this.requests.push(record);
    return new Promise<T>((resolve, reject) => {
      this.#requests.push({
        from,
        to,
        seq: this.#requestSeq++,
        record,
        serve: () => serve(to),
        resolve: resolve as (value: never) => void,
        reject,
      });
    });
  }

  /** Delivers what is queued: messages by (sender, send order), then requests by (requester, request order). */
  #deliver(): void {
    const messages = this.#queue.sort((a, b) => a.from.n - b.from.n || a.seq - b.seq);
    this.#queue = [];
    for (const e of messages) {
      for (const to of this.nodes) {
        if (to === e.from || !this.isUp(to) || this.drop(e.from, to)) continue;
        const verdict = this.live(to).driver.receive(e.message, e.from.id);
        if (verdict === 'reject')
          this.rejected.push({ from: e.from.id, to: to.id, kind: e.message.message?.case ?? '' });
      }
    }
    const requests = this.#requests.sort((a, b) => a.from.n - b.from.n || a.seq - b.seq);
    this.#requests = [];
    for (const r of requests) {
      if (!this.isUp(r.from) || !this.isUp(r.to) || this.drop(r.from, r.to) || this.drop(r.to, r.from)) {
        r.reject(new Error('unreachable'));
        continue;
      }
      r.record.served = true;
      this.#pending++;
      const done = () => {
        this.#pending--;
      };
      r.serve().then(
        (value) => {
          done();
          r.resolve(value as never);
        },
        (err: unknown) => {
          done();
          r.reject(err);
        },
      );
    }
  }

  // --------------------------------------------------------------------------------------------------------
  // Nodes
  // --------------------------------------------------------------------------------------------------------

  /** Wraps a store so that its async calls count as in-flight work, and fail once the incarnation crashed. */
  #tracked<T extends object>(target: T, owner: { alive: boolean }, node: SimNode, store: StoreName): T {
    const started = () => {
      this.#pending++;
    };
    return trackCalls(target, owner, started, (method, args, resolved) => {
      this.#pending--;
      if (resolved) this.onResolved?.(node, store, method, args);
    });
  }

  async #open(node: SimNode): Promise<void> {
    const owner = { alive: true };
    const governance = this.#governance === undefined ? {} : { governance: this.#governance };
    const rawApp = await App.open({ db: join(node.dir, 'state'), genesis: this.genesis, sync: false, ...governance });
    const rawChain = await ChainStore.open(join(node.dir, 'chain'));
    const { wal: rawWal } = await Wal.open(join(node.dir, 'wal'));
    const rawGuard =
      node.seed === undefined
        ? undefined
        : await DoubleSignGuard.open(join(node.dir, 'last_signed'), node.seed, SIM_CHAIN_ID);
    const app = this.#tracked(rawApp, owner, node, 'app');
    const chain = this.#tracked(rawChain, owner, node, 'chain');
    const wal = this.#tracked(rawWal, owner, node, 'wal');
    const guard = rawGuard === undefined ? undefined : this.#tracked(rawGuard, owner, node, 'guard');
    const driver = new ConsensusDriver({
      chainId: SIM_CHAIN_ID,
      ...(guard === undefined || node.seed === undefined
        ? {}
        : {
            self: {
              publicKey: publicKeyFromSeed(node.seed),
              address: addressFromPublicKey(publicKeyFromSeed(node.seed)),
              guard,
            },
          }),
      app,
      store: chain,
      wal,
      timeouts: this.timeouts,
      commitWaitMs: this.commitWaitMs,
      clock: this.#clock.clockFor(node.n, owner),
      logger: recordingLogger(node.logs),
      reap: () => [...node.pool],
      onCommitted: (c) => this.#committed(node, c),
      upgradeDue: (height) => (height === this.#haltAt ? { name: 'sim-plan', height, appVersion: 1 } : undefined),
      onUpgradeHalt: (halt) => {
        node.halted = { height: halt.height, atMs: this.now };
      },
      network: {
        // deliveries call the live driver of the node they reach (deliver, #request)
        attach: () => {},
        broadcast: (message) => this.#broadcast(node, owner, message),
        requestBlocks: (peer, fromHeight, maxBlocks) =>
          this.#request<BlocksResponse>(node, owner, peer, 'blocks', async (to) => {
            const response = await this.live(to).driver.serveBlocks(fromHeight, maxBlocks, 8 * 1024 * 1024 - 1024);
            return this.interceptBlocks === undefined ? response : this.interceptBlocks(node, to, response);
          }),
        requestCatchUp: (peer, height, round) =>
          this.#request<CatchUpResponse>(node, owner, peer, 'catchUp', async (to) =>
            this.live(to).driver.serveCatchUp(height, round),
          ),
        penalize: (peer, points, reason) => {
          this.penalties.push({ from: node.id, peer, points, reason });
        },
      },
    });
    const incarnation: Incarnation = {
      owner,
      driver,
      app,
      chain,
      wal,
      guard,
      close: async () => {
        await driver.close();
        await rawWal.close().catch(noop);
        await rawChain.close().catch(noop);
        await rawApp.close().catch(noop);
      },
    };
    node.incarnation = incarnation;
    await driver.start();
  }

  #committed(node: SimNode, c: CommittedBlock): void {
    const height = c.header.height;
    const hash = toHex(c.hash);
    const record: CommitRecord = {
      height,
      hash,
      appHash: toHex(c.result.appHash),
      via: c.via,
      atMs: this.now,
    };
    const own = node.commits.get(height);
    if (own !== undefined && own.hash !== hash) this.forks.push(`${node.id} committed two blocks at ${height}`);
    const canonical = this.#canonical.get(height);
    if (canonical === undefined) this.#canonical.set(height, hash);
    else if (canonical !== hash)
      this.forks.push(`${node.id} committed ${hash} at ${height}, another node ${canonical}`);
    node.commits.set(height, record);
    const ids = new Set(c.block.txs.map((tx) => toHex(tx)));
    for (let i = node.pool.length - 1; i >= 0; i--) {
      if (ids.has(toHex(node.pool[i] as Uint8Array))) node.pool.splice(i, 1);
    }
    this.onCommit?.(node, c);
  }

  /**
   * Crashes a node now: its stores refuse every new call (an operation already running completes, as if the
   * process died right after it), nothing it sends leaves any more, its timers never fire.
   */
  crash(node: SimNode): void {
    const inc = node.incarnation;
    if (inc === undefined || !inc.owner.alive) return;
    inc.owner.alive = false;
  }

  /** Waits for the crashed process's last operations, frees its stores, and starts a new driver on its dirs. */
  async restart(node: SimNode): Promise<void> {
    const inc = node.incarnation;
    if (inc === undefined) throw new Error(`${node.id} never started`);
    if (inc.owner.alive) this.crash(node);
    await this.#quiesce();
    await inc.close();
    await this.#open(node);
  }

  async close(): Promise<void> {
    for (const node of this.nodes) {
      const inc = node.incarnation;
      if (inc === undefined) continue;
      inc.owner.alive = false;
      try {
        await inc.close();
      } catch {
        // already broken
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  // --------------------------------------------------------------------------------------------------------
  // Safety
  // --------------------------------------------------------------------------------------------------------

  /** Everything that would be a safety violation (see findSafetyProblems), empty when none. */
  safetyProblems(): string[] {
    const equivocated = this.nodes.filter((n) => this.isUp(n) && this.live(n).driver.status().evidence > 0);
    return findSafetyProblems({
      forks: this.forks,
      sent: this.sent,
      rejected: this.rejected,
      equivocated: equivocated.map((n) => n.id),
    });
  }

  /** the WAL file of `height` in a node's home */
  walFile(node: SimNode, height: bigint): string {
    return join(node.dir, 'wal', `${height.toString().padStart(20, '0')}.wal`);
  }

  /** the votes a node broadcast (its own validator's) */
  votesOf(node: SimNode): Vote[] {
    const out: Vote[] = [];
    for (const s of this.sent) {
      const m = s.message.message;
      if (s.from === node && m?.case === 'vote') out.push(m.value);
    }
    return out;
  }
}
