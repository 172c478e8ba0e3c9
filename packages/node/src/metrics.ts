/**
 * The node's Prometheus metrics (docs/monitoring.md): one prom-client registry. Gauges and the counters of other
 * services are read on each scrape from `MetricsSources`; commits and RPC requests are counted as they happen.
 */

import type { CommittedBlock } from '@babychain/consensus';
import type { P2pMetrics } from '@babychain/p2p';
import type { RpcObserver } from '@babychain/rpc';
import type { AppMetrics } from '@babychain/state';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

/** What the scrape reads; each source is called once per scrape. */
export interface MetricsSources {
  readonly consensus: () => { readonly height: bigint; readonly round: number; readonly evidence: number };
  readonly p2p: () => Readonly<P2pMetrics>;
  readonly mempool: () => {
    readonly txs: number;
    readonly bytes: number;
    readonly maxTxs: number;
    readonly maxBytes: number;
  };
  readonly app: () => Readonly<AppMetrics>;
  /** this node's voting power (0 when it is not a validator) and the set's */
  readonly power: () => { readonly self: bigint; readonly total: bigint };
  readonly upgrade: () => UpgradeMetrics;
}

export interface UpgradeMetrics {
  readonly appVersion: number;
  readonly plan: { readonly name: string; readonly version: string; readonly height: bigint } | undefined;
  readonly readyPower: bigint;
  /** whether this validator's SignalReady for the plan is recorded */
  readonly selfReady: boolean;
  /** when the launcher last rolled a release back (its report, LCH-1), if its last report is a rollback */
  readonly rolledBackAtMs: number | undefined;
}

/** Block intervals from 100 ms blocks (the devnet) to a stall. */
const BLOCK_INTERVAL_BUCKETS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60];
const RPC_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class NodeMetrics {
  readonly registry: Registry;
  readonly #blocks: Counter;
  readonly #txs: Counter;
  readonly #missed: Counter;
  readonly #interval: Histogram;
  readonly #rpcRequests: Counter<'route' | 'status'>;
  readonly #rpcLatency: Histogram<'route'>;
  readonly #rpcLimits: Counter<'route' | 'limit'>;
  readonly #selfPublicKey: Uint8Array | undefined;
  #lastBlockMs: bigint | undefined;

  /**
   * `registry` may already hold libp2p's metrics (bytes in and out); `selfIndex` is this node's position in the
   * validator set, if it is a validator.
   */
  constructor(
    registry: Registry,
    sources: MetricsSources,
    build: { readonly version: string; readonly selfPublicKey?: Uint8Array },
  ) {
    this.registry = registry;
    const registers = [registry];
    this.#selfPublicKey = build.selfPublicKey;
    collectDefaultMetrics({ register: this.registry });

    const build_info = new Gauge({
      name: 'babychain_build_info',
      help: 'the software this node runs: always 1, the version in labels',
      labelNames: ['version', 'nodejs'],
      registers,
    });
    build_info.set({ version: build.version, nodejs: process.version }, 1);

    this.#blocks = new Counter({ name: 'babychain_committed_blocks_total', help: 'blocks committed', registers });
    this.#txs = new Counter({ name: 'babychain_committed_txs_total', help: 'transactions committed', registers });
    this.#missed = new Counter({
      name: 'babychain_validator_missed_signatures_total',
      help: "committed blocks whose commit (the next block's last_commit) lacks this validator's signature",
      registers,
    });
    this.#interval = new Histogram({
      name: 'babychain_block_interval_seconds',
      help: 'header time between consecutive committed blocks',
      buckets: BLOCK_INTERVAL_BUCKETS,
      registers,
    });
    this.#rpcRequests = new Counter({
      name: 'babychain_rpc_requests_total',
      help: 'HTTP requests answered, by route pattern and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.#rpcLatency = new Histogram({
      name: 'babychain_rpc_request_duration_seconds',
      help: 'time to answer an HTTP request, by route pattern (rate refusals, which wait on purpose, left out)',
      labelNames: ['route'],
      buckets: RPC_LATENCY_BUCKETS,
      registers,
    });
    this.#rpcLimits = new Counter({
      name: 'babychain_rpc_limit_hits_total',
      help: 'RPC-10 limits clients hit, by route pattern (or connection) and limit',
      labelNames: ['route', 'limit'],
      registers,
    });

    const scrape = new Scrape(sources);
    const gauge = (name: string, help: string, read: (s: Scrape) => number | bigint) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(Number(read(scrape)));
        },
      });
    // Counters kept by other services as running totals: each scrape adds what grew since the last.
    const total = (name: string, help: string, read: (s: Scrape) => number) => {
      let seen = 0;
      return new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read(scrape);
          if (now > seen) this.inc(now - seen);
          seen = now;
        },
      });
    };

    gauge('babychain_height', 'last committed height', (s) => s.consensus.height);
    gauge('babychain_round', 'consensus round of the height being decided', (s) => s.consensus.round);
    gauge(
      'babychain_evidence_stored',
      'equivocations this node has seen in the last 100 heights',
      (s) => s.consensus.evidence,
    );
    gauge('babychain_peers', 'connected peers', (s) => s.p2p.peers);
    gauge('babychain_mempool_txs', 'transactions in the mempool', (s) => s.mempool.txs);
    gauge('babychain_mempool_bytes', 'bytes of the transactions in the mempool', (s) => s.mempool.bytes);
    gauge('babychain_mempool_max_txs', 'transactions the mempool holds at most', (s) => s.mempool.maxTxs);
    gauge('babychain_mempool_max_bytes', 'bytes the mempool holds at most', (s) => s.mempool.maxBytes);
    gauge('babychain_validator_power', "this node's voting power; 0 when it is not a validator", (s) => s.power.self);
    gauge('babychain_validator_set_power', 'the voting power of the whole validator set', (s) => s.power.total);
    gauge('babychain_app_version', 'the app version in force (UPG-3)', (s) => s.upgrade.appVersion);
    gauge('babychain_upgrade_plan_height', 'the height of the scheduled plan; 0 when none is', (s) =>
      s.upgrade.plan === undefined ? 0n : s.upgrade.plan.height,
    );
    gauge('babychain_upgrade_ready_power', 'the power of the validators ready for the scheduled plan', (s) =>
      s.upgrade.plan === undefined ? 0n : s.upgrade.readyPower,
    );
    gauge('babychain_upgrade_self_ready', "1 when this validator's SignalReady for the plan is recorded", (s) =>
      s.upgrade.selfReady ? 1 : 0,
    );
    gauge(
      'babychain_upgrade_rollback_timestamp_seconds',
      'when the launcher rolled the last upgrade back, while that is its last report; 0 otherwise',
      (s) => (s.upgrade.rolledBackAtMs ?? 0) / 1000,
    );
    new Gauge({
      name: 'babychain_upgrade_plan_info',
      help: 'the scheduled plan: 1, its name and release version in labels; absent when none is',
      labelNames: ['name', 'version'],
      registers,
      collect() {
        this.reset();
        const plan = scrape.upgrade.plan;
        if (plan !== undefined) this.set({ name: plan.name, version: plan.version }, 1);
      },
    });

    total('babychain_gossip_messages_received_total', 'gossip messages received', (s) => s.p2p.gossipIn);
    total('babychain_gossip_messages_sent_total', 'gossip messages published', (s) => s.p2p.gossipOut);
    total('babychain_gossip_messages_rejected_total', 'gossip messages rejected', (s) => s.p2p.gossipRejected);
    total('babychain_p2p_requests_received_total', 'block-sync and catch-up requests served', (s) => s.p2p.requestsIn);
    total('babychain_p2p_requests_sent_total', 'block-sync and catch-up requests made', (s) => s.p2p.requestsOut);
    total('babychain_peer_bans_total', 'peers banned for their score', (s) => s.p2p.bans);
    total('babychain_app_blocks_executed_total', 'blocks and proposals executed', (s) => s.app.blocksExecuted);
    total('babychain_app_txs_executed_total', 'transactions executed', (s) => s.app.txsExecuted);
    total(
      'babychain_app_checked_cache_hits_total',
      'signature checks skipped: done at admission',
      (s) => s.app.checkedCacheHits,
    );
    for (const [phase, read] of [
      ['precheck', (m: AppMetrics) => m.precheckMs],
      ['accounts', (m: AppMetrics) => m.accountsMs],
      ['execute', (m: AppMetrics) => m.executeMs],
      ['root', (m: AppMetrics) => m.rootMs],
      ['commit', (m: AppMetrics) => m.commitMs],
    ] as const) {
      total(
        `babychain_app_${phase}_seconds_total`,
        `time the app spent in its ${phase} phase`,
        (s) => read(s.app) / 1000,
      );
    }
  }

  /** The observer the RPC server reports to. */
  get rpcObserver(): RpcObserver {
    return {
      request: (route, status, seconds) => {
        this.#rpcRequests.inc({ route, status: String(status) });
        // a rate refusal waits on purpose (RPC-10): it would show as latency when someone is abusive
        if (status !== 429) this.#rpcLatency.observe({ route }, seconds);
      },
      limitHit: (route, limit) => this.#rpcLimits.inc({ route, limit: limit.replaceAll(' ', '_') }),
    };
  }

  committed(c: CommittedBlock): void {
    this.#blocks.inc();
    this.#txs.inc(c.block.txs.length);
    const timeMs = c.header.timeMs;
    if (this.#lastBlockMs !== undefined && timeMs >= this.#lastBlockMs) {
      this.#interval.observe(Number(timeMs - this.#lastBlockMs) / 1000);
    }
    this.#lastBlockMs = timeMs;
    // The last commit's indexes are those of the set that signed it (VAL-3), where this node may not be.
    const self = this.#selfPublicKey === undefined ? -1 : c.lastCommitSet.indexOfPublicKey(this.#selfPublicKey);
    const signatures = c.block.lastCommit?.signatures;
    if (self >= 0 && signatures !== undefined && !signatures.some((s) => s.validatorIndex === self)) {
      this.#missed.inc();
    }
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The sources of one scrape, each read at most once however many metrics use it. */
class Scrape {
  readonly #sources: MetricsSources;
  readonly #cache = new Map<keyof MetricsSources, unknown>();
  #turn: Promise<void> | undefined;

  constructor(sources: MetricsSources) {
    this.#sources = sources;
  }

  #read<K extends keyof MetricsSources>(key: K): ReturnType<MetricsSources[K]> {
    // prom-client collects every metric of one scrape in the same turn of the event loop; the next reads afresh.
    if (this.#turn === undefined) {
      this.#turn = Promise.resolve().then(() => {
        this.#cache.clear();
        this.#turn = undefined;
      });
    }
    if (!this.#cache.has(key)) this.#cache.set(key, this.#sources[key]());
    return this.#cache.get(key) as ReturnType<MetricsSources[K]>;
  }

  get consensus() {
    return this.#read('consensus');
  }
  get p2p() {
    return this.#read('p2p');
  }
  get mempool() {
    return this.#read('mempool');
  }
  get app() {
    return this.#read('app');
  }
  get power() {
    return this.#read('power');
  }
  get upgrade() {
    return this.#read('upgrade');
  }
}
