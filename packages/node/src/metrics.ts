/** The node's Prometheus metrics: one prom-client registry, read on each scrape. */

import type { AppMetrics } from '@babychain/state';
import { Counter, Gauge, Registry } from 'prom-client';

export interface MetricsSnapshot {
  readonly height: bigint;
  readonly round: number;
  readonly peers: number;
  readonly mempoolTxs: number;
  readonly evidence: number;
  readonly gossipIn: number;
  readonly gossipRejected: number;
  readonly bans: number;
  readonly app: Readonly<AppMetrics>;
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly #gauges: Record<string, Gauge> = {};
  readonly #txs = new Counter({ name: 'babychain_committed_txs_total', help: 'transactions committed', registers: [] });
  readonly #blocks = new Counter({ name: 'babychain_committed_blocks_total', help: 'blocks committed', registers: [] });

  constructor() {
    this.registry.registerMetric(this.#txs);
    this.registry.registerMetric(this.#blocks);
    const gauge = (name: string, help: string) => {
      const g = new Gauge({ name: `babychain_${name}`, help, registers: [this.registry] });
      this.#gauges[name] = g;
    };
    gauge('height', 'last committed height');
    gauge('round', 'consensus round of the height being decided');
    gauge('peers', 'connected peers');
    gauge('mempool_txs', 'transactions in the mempool');
    gauge('evidence', 'equivocations seen');
    gauge('gossip_messages_in', 'gossip messages received');
    gauge('gossip_messages_rejected', 'gossip messages rejected');
    gauge('peer_bans', 'peers banned');
    gauge('app_precheck_seconds', 'time spent decoding and verifying transactions');
    gauge('app_root_seconds', 'time spent updating the state root');
    gauge('app_commit_seconds', 'time spent writing blocks');
  }

  committed(_height: bigint, txs: number): void {
    this.#blocks.inc();
    this.#txs.inc(txs);
  }

  async render(s: MetricsSnapshot): Promise<string> {
    const set = (name: string, value: number) => this.#gauges[name]?.set(value);
    set('height', Number(s.height));
    set('round', s.round);
    set('peers', s.peers);
    set('mempool_txs', s.mempoolTxs);
    set('evidence', s.evidence);
    set('gossip_messages_in', s.gossipIn);
    set('gossip_messages_rejected', s.gossipRejected);
    set('peer_bans', s.bans);
    set('app_precheck_seconds', s.app.precheckMs / 1000);
    set('app_root_seconds', s.app.rootMs / 1000);
    set('app_commit_seconds', s.app.commitMs / 1000);
    return this.registry.metrics();
  }
}
