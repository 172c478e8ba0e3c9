import { type CommittedBlock, ValidatorSet } from '@babychain/consensus';
import { publicKeyFromSeed } from '@babychain/crypto';
import { emptyAppMetrics } from '@babychain/state';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type MetricsSources, NodeMetrics } from './metrics.ts';

const app = emptyAppMetrics();
const p2p = {
  peers: 3,
  gossipIn: 0,
  gossipOut: 0,
  gossipRejected: 0,
  requestsIn: 0,
  requestsOut: 0,
  bans: 0,
  genesisMismatches: 0,
};

const keys = [1, 2, 3, 4, 5].map((i) => publicKeyFromSeed(new Uint8Array(32).fill(i)));
const setOf = (ks: Uint8Array[]) =>
  ValidatorSet.fromGenesis(ks.map((publicKey, i) => ({ name: `v${i}`, publicKey, power: 10n })));
/** the set that signs every block here unless a test says otherwise */
const SET = setOf(keys.slice(0, 4));

function metricsOf(selfIndex?: number) {
  const sources: MetricsSources = {
    consensus: () => ({ height: 7n, round: 0, evidence: 0 }),
    p2p: () => p2p,
    mempool: () => ({ txs: 0, bytes: 0, maxTxs: 10, maxBytes: 100 }),
    app: () => app,
    power: () => ({ self: selfIndex === undefined ? 0n : 10n, total: 40n }),
    upgrade: () => ({ appVersion: 1, plan: undefined, readyPower: 0n, selfReady: false, rolledBackAtMs: undefined }),
  };
  return new NodeMetrics(new Registry(), sources, {
    version: '1.2.3',
    ...(selfIndex === undefined ? {} : { selfPublicKey: SET.byIndex(selfIndex).publicKey }),
  });
}

/** A committed block at `timeMs` whose last_commit holds the signatures of `signers`. */
function block(height: bigint, timeMs: bigint, signers: number[], txs = 0, lastCommitSet = SET): CommittedBlock {
  return {
    header: { height, timeMs },
    lastCommitSet,
    block: {
      txs: Array.from({ length: txs }, () => new Uint8Array(1)),
      lastCommit: { signatures: signers.map((validatorIndex) => ({ validatorIndex })) },
    },
  } as unknown as CommittedBlock;
}

const value = (text: string, sample: string) => Number(new RegExp(`^${sample} (\\S+)$`, 'm').exec(text)?.[1]);

describe('NodeMetrics', () => {
  it("counts a block whose commit lacks this validator's signature as missed, and only those", async () => {
    const metrics = metricsOf(2);
    metrics.committed(block(2n, 1000n, [0, 1, 2, 3]));
    metrics.committed(block(3n, 2000n, [0, 1, 3]));
    metrics.committed(block(4n, 3000n, [0, 1, 3], 5));
    const text = await metrics.render();
    expect(value(text, 'babychain_validator_missed_signatures_total')).toBe(2);
    expect(value(text, 'babychain_committed_blocks_total')).toBe(3);
    expect(value(text, 'babychain_committed_txs_total')).toBe(5);
  });

  it('counts nothing missed in a commit of a set this validator was not in, whatever the indexes say (VAL-3)', async () => {
    const metrics = metricsOf(2);
    const self = SET.byIndex(2).publicKey;
    const without = setOf(keys.filter((k) => Buffer.compare(k, self) !== 0));
    metrics.committed(block(2n, 1000n, [0], 0, without));
    metrics.committed(block(3n, 2000n, [0], 0, SET));
    expect(value(await metrics.render(), 'babychain_validator_missed_signatures_total')).toBe(1);
  });

  it('never counts a full node as missing signatures', async () => {
    const metrics = metricsOf();
    metrics.committed(block(2n, 1000n, [0]));
    expect(value(await metrics.render(), 'babychain_validator_missed_signatures_total')).toBe(0);
  });

  it('observes the header time between consecutive blocks, not the first one after a start', async () => {
    const metrics = metricsOf(0);
    for (const [h, t] of [
      [1n, 10_000n],
      [2n, 10_200n],
      [3n, 10_500n],
      [4n, 13_500n],
    ] as const)
      metrics.committed(block(h, t, [0]));
    const text = await metrics.render();
    expect(value(text, 'babychain_block_interval_seconds_count')).toBe(3);
    expect(value(text, 'babychain_block_interval_seconds_sum')).toBeCloseTo(3.5);
    expect(value(text, 'babychain_block_interval_seconds_bucket\\{le="0.25"\\}')).toBe(1);
    expect(value(text, 'babychain_block_interval_seconds_bucket\\{le="3"\\}')).toBe(3);
  });

  it("adds to a counter what another service's running total grew by since the last scrape", async () => {
    const metrics = metricsOf(0);
    p2p.gossipIn = 5;
    expect(value(await metrics.render(), 'babychain_gossip_messages_received_total')).toBe(5);
    p2p.gossipIn = 12;
    expect(value(await metrics.render(), 'babychain_gossip_messages_received_total')).toBe(12);
    app.precheckMs = 1500;
    expect(value(await metrics.render(), 'babychain_app_precheck_seconds_total')).toBe(1.5);
  });

  it('labels limit hits without spaces and leaves rate refusals out of the latency', async () => {
    const metrics = metricsOf(0);
    metrics.rpcObserver.limitHit('/ws', 'unsent bytes');
    metrics.rpcObserver.request('/status', 200, 0.01);
    metrics.rpcObserver.request('/status', 429, 1);
    const text = await metrics.render();
    expect(value(text, 'babychain_rpc_limit_hits_total\\{route="/ws",limit="unsent_bytes"\\}')).toBe(1);
    expect(value(text, 'babychain_rpc_requests_total\\{route="/status",status="429"\\}')).toBe(1);
    expect(value(text, 'babychain_rpc_request_duration_seconds_count\\{route="/status"\\}')).toBe(1);
  });
});
