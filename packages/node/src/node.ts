/**
 * A validator or full node assembled from a home directory (config.ts): state machine, chain store, WAL and
 * double-sign guard, mempool, libp2p host, consensus driver, RPC server and metrics. `open` constructs and starts
 * everything; `close` stops it in reverse order.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Account, Genesis } from '@babychain/codec';
import { BabyError, decode, encode, fromHex, isBabyError, sha256, toHex } from '@babychain/codec';
import type { CommittedBlock, SelfValidator, UpgradeHalt } from '@babychain/consensus';
import { ConsensusDriver, DoubleSignGuard, Wal } from '@babychain/consensus';
import { addressFromPublicKey, defaultVerifyWorkers, publicKeyFromSeed, VerifyPool } from '@babychain/crypto';
import type { AccountView } from '@babychain/mempool';
import { GossipBatcher, MEMPOOL_DEFAULTS, Mempool } from '@babychain/mempool';
import { P2pHost } from '@babychain/p2p';
import type { RpcBackend, RpcServer } from '@babychain/rpc';
import { type ConsoleFiles, startRpcServer } from '@babychain/rpc';
import { App, genesisFromJson, genesisHash, genesisParams, networkName } from '@babychain/state';
import {
  answerArtifactRequest,
  artifactProtocol,
  checkStartup,
  createGovernance,
  decodeGovRecord,
  handlerFor,
  handlerIndex,
  MAX_ARTIFACT_REQUEST_BYTES,
  MAX_ARTIFACT_RESPONSE_BYTES,
  upgradeInfoOf,
  writeUpgradeInfo,
} from '@babychain/upgrade';
import type { Logger } from '@babychain/util';
import { createLogger, writeFileDurable } from '@babychain/util';
import { prometheusMetrics } from '@libp2p/prometheus-metrics';
import { Registry } from 'prom-client';
import { ChainStore } from './chain-store.ts';
import type { NodeConfig } from './config.ts';
import { ensureDir, homePaths, readConfig, readSeedFile } from './config.ts';
import { consensusNetworkOver } from './consensus-network.ts';
import { NodeErrorCode } from './errors.ts';
import { NodeMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { metricsSources } from './metrics-sources.ts';
import { topics } from './protocols.ts';
import { CommitEvents, createRpcBackend } from './rpc-backend.ts';
import { UPGRADE_HANDLERS } from './upgrades/index.ts';
import { NODE_VERSION } from './version.ts';

/** `data/mempool.txs`: the transactions held at the last stop (a TxBatch), admitted again at the next start. */
const MEMPOOL_FILE = 'mempool.txs';
const MAX_KEPT_BYTES = 256 * 1024 * 1024;

function saveTxs(path: string, txs: readonly Uint8Array[]): void {
  if (txs.length > 0) writeFileDurable(path, encode('babychain.v0.TxBatch', { txs: [...txs] }));
}

export interface NodeOpenOptions {
  readonly home: string;
  readonly logger?: Logger;
  /**
   * RPC-19: where the web console's files come from (the CLI passes @babychain/web's loader); asked only when
   * `rpc.console` is on. Without it, or when it says what is missing, the node serves the API alone.
   */
  readonly console?: () => Promise<{ readonly files: ConsoleFiles } | { readonly missing: string }>;
  /**
   * UPG-9 (`baby start --unsafe-skip-upgrade`): heights whose scheduled plan this node skips instead of halting for
   * or applying it. Safe only when validators holding more than two thirds of the power skip the same height.
   */
  readonly unsafeSkipUpgrades?: readonly bigint[];
}

/** The committed accounts in memory: the mempool's synchronous view (AccountView). */
class CommittedAccounts implements AccountView {
  readonly #accounts = new Map<string, Account>();
  readonly #app: App;

  constructor(app: App) {
    this.#app = app;
  }

  /** STATE-4 in force: a parameter change (GOV-9) moves it */
  get minFee(): bigint {
    return this.#app.params.minFee;
  }

  account(address: Uint8Array): Account {
    return this.#accounts.get(toHex(address)) ?? { balance: 0n, nonce: 0n };
  }

  set(hex: string, account: Account): void {
    this.#accounts.set(hex, account);
  }
}

export class BabyNode {
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  readonly #governance: ReturnType<typeof createGovernance>;
  /** UPG-9: the skip heights, ascending, as the operator gave them */
  readonly unsafeSkipUpgrades: readonly bigint[];
  readonly #home: string;
  readonly #log: Logger;
  readonly #closers: (() => Promise<void> | void)[] = [];
  #app: App | undefined;
  #chain: ChainStore | undefined;
  #mempool: Mempool | undefined;
  #accounts: CommittedAccounts | undefined;
  #p2p: P2pHost | undefined;
  #driver: ConsensusDriver | undefined;
  #rpc: RpcServer | undefined;
  #metricsUrl = '';
  #self: SelfValidator | undefined;
  #metrics: NodeMetrics | undefined;
  readonly #commits = new CommitEvents();
  #haltReached: (halt: UpgradeHalt) => void = () => {};
  readonly #halted = new Promise<UpgradeHalt>((resolve) => {
    this.#haltReached = resolve;
  });

  private constructor(home: string, config: NodeConfig, genesis: Genesis, logger: Logger, skips: readonly bigint[]) {
    this.#home = home;
    this.config = config;
    this.genesis = genesis;
    for (const h of skips) {
      // The CLI refuses these already; an embedder passing them gets the same answer rather than a silent no-op.
      if (h < 1n || h >= 1n << 64n)
        throw new BabyError(NodeErrorCode.BAD_CONFIG, `skip height ${h} is not a height`, {
          field: 'unsafeSkipUpgrades',
        });
    }
    this.unsafeSkipUpgrades = [...new Set(skips)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.#governance = createGovernance(genesis, UPGRADE_HANDLERS, { skipHeights: new Set(skips) });
    this.#log = logger;
  }

  static async open(options: NodeOpenOptions): Promise<BabyNode> {
    const config = readConfig(options.home);
    const paths = homePaths(options.home);
    const genesis = genesisFromJson(JSON.parse(readFileSync(paths.genesis, 'utf8')));
    const logger = options.logger ?? createLogger({ level: config.logLevel, name: config.moniker });
    const node = new BabyNode(options.home, config, genesis, logger, options.unsafeSkipUpgrades ?? []);
    try {
      await node.#start(options.console);
    } catch (err) {
      await node.close();
      throw err;
    }
    return node;
  }

  /** The metrics listener's URL (`metrics.listen`); "" when there is none. */
  get metricsUrl(): string {
    return this.#metricsUrl;
  }

  get rpcUrl(): string {
    const rpc = this.#rpc;
    return rpc === undefined ? '' : rpc.url;
  }

  /** Settles when the node stopped for a scheduled upgrade it cannot run (UPG-4), the upgrade-info file written. */
  get halted(): Promise<UpgradeHalt> {
    return this.#halted;
  }

  get peerId(): string {
    return this.#p2p?.peerId ?? '';
  }

  /** The bound libp2p addresses, each ending in /p2p/<peer id>: what a peer bootstraps to (a port 0 resolved). */
  get p2pAddresses(): string[] {
    return this.#p2p?.multiaddrs() ?? [];
  }

  /** Opens what the node is made of, in the order it depends on itself; `close` undoes it in reverse. */
  async #start(loadConsole: NodeOpenOptions['console']): Promise<void> {
    // Built while the stores open: the console is ready by the time the RPC listens.
    const consoleFiles = this.#consoleFiles(loadConsole);
    const paths = homePaths(this.#home);
    if (this.unsafeSkipUpgrades.length > 0) {
      // Loud on purpose: a forgotten flag would skip a plan the rest of the validators apply, and stall this node.
      this.#log.warn('UNSAFE: skipping any upgrade plan scheduled at these heights (UPG-9)', {
        unsafeSkipUpgrades: this.unsafeSkipUpgrades.map(String),
      });
    }
    const { app, chain, wal } = await this.#openStores(paths);
    await this.#openSelf(paths);
    const registry = new Registry();
    const p2p = await this.#startP2p(paths, registry);
    const mempool = await this.#startMempool(app, p2p, paths);
    const metrics = new NodeMetrics(
      registry,
      metricsSources({
        home: this.#home,
        genesis: this.genesis,
        app,
        mempool,
        p2p,
        driver: () => this.#driver,
        self: this.#self,
      }),
      { version: NODE_VERSION, ...(this.#self === undefined ? {} : { selfPublicKey: this.#self.publicKey }) },
    );
    this.#metrics = metrics;
    await this.#startConsensus(app, chain, wal, mempool, p2p);
    const served = await consoleFiles;
    const rpc = await this.#startRpc(metrics, served);
    this.#log.info('node started', {
      chainId: this.genesis.chainId,
      version: NODE_VERSION,
      peerId: p2p.peerId,
      rpc: rpc.url,
      console: served === undefined ? null : `${rpc.url.replace(/\/+$/, '')}/`,
      metrics: this.#metricsUrl || null,
      p2p: p2p.multiaddrs(),
      validator:
        this.#self === undefined ? null : this.#need(this.#driver).validators.indexOfPublicKey(this.#self.publicKey),
      height: String(app.info().height),
      unsafeSkipUpgrades: this.unsafeSkipUpgrades.map(String),
    });
  }

  /** The state machine (UPG-5 checked at once), consensus's chain store and its WAL. */
  async #openStores(paths: ReturnType<typeof homePaths>): Promise<{ app: App; chain: ChainStore; wal: Wal }> {
    ensureDir(paths.state);
    ensureDir(paths.chain);
    // Remember as many checked transactions as the mempool holds plus a full block, so none is verified twice.
    const checkedCacheSize = MEMPOOL_DEFAULTS.maxTxs + genesisParams(this.genesis).maxBlockTxs;
    const verifyPool = this.#verifyPool();
    const app = await App.open({
      db: paths.state,
      genesis: this.genesis,
      checkedCacheSize,
      governance: this.#governance,
      ...(verifyPool === undefined ? {} : { signatureVerifier: verifyPool }),
    });
    this.#app = app;
    this.#closers.push(() => app.close());
    checkStartup(app.governanceRecord(), UPGRADE_HANDLERS, app.info().height + 1n, this.genesis.appVersion);
    const chain = await ChainStore.open(paths.chain);
    this.#chain = chain;
    this.#closers.push(() => chain.close());
    const { wal, repaired } = await Wal.open(paths.wal);
    this.#closers.push(() => wal.close());
    for (const r of repaired) this.#log.warn('repaired a torn WAL tail', { ...r });
    return { app, chain, wal };
  }

  /**
   * A node with a validator key signs through its double-sign guard (CONS-11) at every height whose set holds the
   * key (VAL-3): one that is not in the set yet follows the chain as a full node until governance adds it.
   */
  async #openSelf(paths: ReturnType<typeof homePaths>): Promise<void> {
    const validatorSeed = this.#validatorSeed();
    if (validatorSeed === undefined) return;
    const publicKey = publicKeyFromSeed(validatorSeed);
    const guard = await DoubleSignGuard.open(paths.lastSigned, validatorSeed, this.genesis.chainId);
    this.#self = { publicKey, address: addressFromPublicKey(publicKey), guard };
  }

  async #startP2p(paths: ReturnType<typeof homePaths>, registry: Registry): Promise<P2pHost> {
    const p2p = await P2pHost.create({
      nodeKeySeed: readSeedFile(paths.nodeKey),
      // P2P-2: a peer that does not answer the handshake with this hash is disconnected and refused
      genesisHash: genesisHash(this.genesis),
      // libp2p counts the bytes of every connection into the node's registry (libp2p_data_transfer_bytes_total)
      metrics: prometheusMetrics({
        registry,
        collectDefaultMetrics: false,
        preserveExistingMetrics: true,
        statfsLocation: this.#home,
      }),
      listen: this.config.p2p.listen,
      bootstrap: this.config.p2p.bootstrap,
      logger: this.#log,
    });
    this.#p2p = p2p;
    this.#closers.push(() => p2p.close());
    // LCH-4: peers fetch release artifacts from this node's launcher by content hash
    const artifactsDir = join(this.#home, 'launcher', 'artifacts');
    p2p.handle(artifactProtocol(networkName(this.genesis)), (request) => answerArtifactRequest(artifactsDir, request), {
      maxRequestBytes: MAX_ARTIFACT_REQUEST_BYTES,
      maxResponseBytes: MAX_ARTIFACT_RESPONSE_BYTES,
    });
    return p2p;
  }

  /** The mempool over the committed accounts, fed by RPC and the transaction topic, refilled from the last stop. */
  async #startMempool(app: App, p2p: P2pHost, paths: ReturnType<typeof homePaths>): Promise<Mempool> {
    const accounts = new CommittedAccounts(app);
    for await (const [address, account] of app.allAccounts()) accounts.set(toHex(address), account);
    this.#accounts = accounts;
    const txTopic = topics.txs(networkName(this.genesis));
    const batcher = new GossipBatcher((txs) => {
      void p2p.publish(txTopic, encode('babychain.v0.TxBatch', { txs })).catch((err: unknown) => {
        this.#log.debug('tx batch not published', { code: isBabyError(err) ? err.code : String(err) });
      });
    });
    this.#closers.push(() => batcher.close());
    const mempool = new Mempool({
      chainId: this.genesis.chainId,
      view: accounts,
      // Admission verifies each signature once and the app remembers it for the proposal and the block; APP-1: a
      // governance action is held only while the next block could execute it, rechecked after each one.
      app,
      onAdmitted: (tx) => batcher.add(tx.bytes, tx.origin),
      onInvalidFromPeer: (peer, code) => p2p.penalize(peer, 5, `invalid transaction ${code}`),
    });
    this.#mempool = mempool;
    const kept = join(dirname(paths.state), MEMPOOL_FILE);
    this.#restoreMempool(mempool, kept);
    // Closed after the driver (closers run in reverse): what is still held survives a restart or an upgrade halt.
    this.#closers.push(() => saveTxs(kept, mempool.snapshot()));
    p2p.subscribe(txTopic, async (data, from) => {
      let txs: Uint8Array[];
      try {
        txs = decode('babychain.v0.TxBatch', data).txs;
      } catch {
        return 'reject';
      }
      await app.precheckTxs(txs);
      const results = mempool.addBatch(txs, from);
      return results.some((r) => r.ok) ? 'accept' : 'ignore';
    });
    return mempool;
  }

  /** The consensus driver over the app, the chain store, the WAL, the mempool and libp2p; started at once. */
  async #startConsensus(app: App, chain: ChainStore, wal: Wal, mempool: Mempool, p2p: P2pHost): Promise<void> {
    const handlers = handlerIndex(UPGRADE_HANDLERS);
    const driver = new ConsensusDriver({
      chainId: this.genesis.chainId,
      ...(this.#self === undefined ? {} : { self: this.#self }),
      app,
      store: chain,
      wal,
      timeouts: this.config.consensus.timeouts,
      commitWaitMs: this.config.consensus.commitWaitMs,
      logger: this.#log,
      reap: (limits) => mempool.reap(limits),
      onCommitted: (c) => this.#onCommitted(c),
      upgradeDue: (height) => {
        const due = this.#governance.view(app.governanceRecord()).scheduled;
        // UPG-9: a skipped plan is executed (the governance removes it), not halted for.
        if (due === undefined || due.height !== height || this.unsafeSkipUpgrades.includes(height)) return undefined;
        return handlerFor(handlers, due) === undefined ? due : undefined;
      },
      onUpgradeHalt: (halt) => this.#onUpgradeHalt(halt),
      network: consensusNetworkOver(p2p, networkName(this.genesis)),
    });
    this.#driver = driver;
    await driver.start();
    this.#closers.push(() => driver.close());
  }

  /** RPC-19: the console's files when `rpc.console` is on and the loader has them; why not is logged. */
  async #consoleFiles(load: NodeOpenOptions['console']): Promise<ConsoleFiles | undefined> {
    if (!this.config.rpc.console || load === undefined) return undefined;
    const loaded = await load();
    if ('files' in loaded) return loaded.files;
    this.#log.warn('no web console', { reason: loaded.missing });
    return undefined;
  }

  /** The RPC server, and the metrics listener when `metrics.listen` is set. */
  async #startRpc(metrics: NodeMetrics, consoleFiles: ConsoleFiles | undefined): Promise<RpcServer> {
    const rpc = await startRpcServer({
      host: this.config.rpc.host,
      port: this.config.rpc.port,
      backend: this.#rpcBackend(),
      logger: this.#log,
      cors: this.config.rpc.cors,
      limits: { ...this.config.rpc.limits, rateLimit: this.config.rpc.rateLimit },
      trustProxy: this.config.rpc.trustProxy,
      observer: metrics.rpcObserver,
      ...(consoleFiles === undefined ? {} : { console: consoleFiles }),
    });
    this.#rpc = rpc;
    this.#closers.push(() => rpc.close());
    if (this.config.metrics.listen !== '') {
      const server = await startMetricsServer(this.config.metrics.listen, metrics);
      this.#closers.push(() => server.close());
      this.#metricsUrl = server.url;
    }
    return rpc;
  }

  /** The signature workers (closed after the app, as closers run in reverse), or none when configured to 0. */
  #verifyPool(): VerifyPool | undefined {
    const setting = this.config.verifyWorkers;
    const workers = setting === 'auto' ? defaultVerifyWorkers() : setting;
    if (workers === 0) return undefined;
    const pool = new VerifyPool({ workers });
    this.#closers.push(() => pool.close());
    return pool;
  }

  /** A full node has no validator key file; one that exists but cannot be read refuses to start (NODE_BAD_KEY_FILE). */
  #validatorSeed(): Uint8Array | undefined {
    const path = homePaths(this.#home).validatorKey;
    return existsSync(path) ? readSeedFile(path) : undefined;
  }

  /** Admits again what the mempool held when the node last stopped; what no longer passes is dropped. */
  #restoreMempool(mempool: Mempool, path: string): void {
    if (!existsSync(path)) return;
    let txs: Uint8Array[] = [];
    try {
      txs = decode('babychain.v0.TxBatch', readFileSync(path), { maxBytes: MAX_KEPT_BYTES }).txs;
    } catch (err) {
      this.#log.warn('the kept mempool file is unreadable: starting with an empty mempool', { path }, err);
    }
    // Gone before anything is admitted: a file that makes admission fail must not stop every later start too.
    rmSync(path, { force: true });
    // One committed meanwhile, or no longer valid, is refused like any other: nothing to keep.
    const admitted = mempool.addBatch(txs).filter((r) => r.ok).length;
    if (txs.length > 0) this.#log.info('restored the mempool', { kept: txs.length, admitted });
  }

  /**
   * UPG-4: the upgrade-info file, fsynced, before anyone learns of the halt. The node exits 3 even when the file could
   * not be written: a launcher then says there is no upgrade-info, which beats a node that sits halted and silent.
   */
  #onUpgradeHalt(halt: UpgradeHalt): void {
    const fields = { code: 'UPG_NEEDED', plan: halt.name, height: String(halt.height), appVersion: halt.appVersion };
    try {
      const info = upgradeInfoOf(this.genesis, decodeGovRecord(this.#need(this.#app).governanceRecord()));
      if (info === undefined) throw new Error('the governance record holds no plan for this halt');
      const file = writeUpgradeInfo(dirname(homePaths(this.#home).state), info);
      this.#log.error('UPGRADE NEEDED: halted before the plan height, the upgrade-info file is written', {
        ...fields,
        file,
      });
    } catch (err) {
      this.#log.error(
        'UPGRADE NEEDED: halted before the plan height; the upgrade-info file is not written',
        fields,
        err,
      );
    }
    this.#haltReached(halt);
  }

  #onCommitted(c: CommittedBlock): void {
    const accounts = this.#accounts;
    const mempool = this.#mempool;
    if (accounts !== undefined && mempool !== undefined) {
      for (const [hex, account] of c.result.changes) accounts.set(hex, account);
      mempool.update(
        c.block.txs.map((tx) => sha256(tx)),
        accounts,
        { touched: [...c.result.changes.keys()].map((h) => fromHex(h)) },
      );
    }
    // After the recheck, so that a subscriber told of the block sees what it dropped (RPC-5).
    this.#commits.emit(c);
    this.#metrics?.committed(c);
  }

  #rpcBackend(): RpcBackend {
    return createRpcBackend({
      app: this.#need(this.#app),
      chain: this.#need(this.#chain),
      mempool: this.#need(this.#mempool),
      p2p: this.#need(this.#p2p),
      driver: this.#need(this.#driver),
      genesis: this.genesis,
      config: this.config,
      self: this.#self,
      metrics: this.#need(this.#metrics),
      commits: this.#commits,
      handlers: UPGRADE_HANDLERS,
      unsafeSkipUpgrades: this.unsafeSkipUpgrades,
    });
  }

  #need<T>(value: T | undefined): T {
    if (value === undefined) throw new BabyError(NodeErrorCode.NOT_INITIALISED, 'the node is not started');
    return value;
  }

  /** Stops everything in reverse order of construction; safe to call twice. */
  async close(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    // The driver must stop before the app closes under it: it was pushed after the stores, so it runs first.
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        this.#log.error('error while closing', {}, err);
      }
    }
  }
}
