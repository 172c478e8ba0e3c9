import type { NodeStatus } from '@babychain/client';
import { describe, expect, it } from 'vitest';
import type { NodeReport } from './devnet.ts';
import { formatMs, formatStatusTable, formatUpgradeLine, shortHash } from './format.ts';

const status: NodeStatus = {
  chainId: 'c',
  moniker: 'node0',
  version: '0.1.0',
  nodeId: 'peer',
  maturity: 'baby',
  height: 42n,
  lastBlockHash: 'abcdef0123456789abcdef',
  appHash: '00',
  lastBlockTimeMs: 1_700_000_000_000n,
  round: 0,
  step: 'propose',
  syncing: false,
  peers: 3,
  peerIds: [],
  validator: { index: 0, address: 'baby1x', power: 10n },
  blockTimeMs: { p50: 1012.4, p99: 1300, samples: 40 },
  finalityMs: { p50: 420, p99: 800.6, samples: 40 },
  evidence: 0,
  mempool: { txs: 0, bytes: 0 },
  appVersion: 1,
  upgrade: null,
  params: { minFee: 500n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 },
};
const base = { validator: true, rpcUrl: 'http://127.0.0.1:1', pid: 10, running: true };

describe('formatStatusTable', () => {
  it('shows one aligned row per node, and why a node has no status', () => {
    const reports: NodeReport[] = [
      { ...base, index: 0, moniker: 'node0', status },
      { ...base, index: 1, moniker: 'node1', pid: null, running: false, error: 'ECONNREFUSED' },
    ];
    const lines = formatStatusTable(reports).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^node0\s+validator\s+10\s+42\s+abcdef012345…\s+3\s+0\.1\.0\s+1\s+0\/propose\s+1012\/1300\s+420\/801$/,
    );
    expect(lines[2]).toMatch(/^node1\s+validator\s+-\s+-.*not running$/);
    expect(lines[0]?.indexOf('height')).toBe(lines[1]?.indexOf('42'));
  });

  it('says which upgrade is scheduled and how much voting power is ready for it', () => {
    const upgrade = { name: 'v0.2.0', height: 120n, version: '0.2.0', readyPower: 30n, totalPower: 40n };
    const reports: NodeReport[] = [
      { ...base, index: 0, moniker: 'node0', status: { ...status, upgrade } },
      { ...base, index: 1, moniker: 'node1', status: { ...status, upgrade } },
    ];
    expect(formatUpgradeLine(reports)).toBe(
      'upgrade v0.2.0 (release 0.2.0) at height 120: ready 75% of voting power (30/40)',
    );
    expect(formatUpgradeLine([{ ...base, index: 0, moniker: 'node0', status }])).toBeNull();
  });

  it('prints - for missing samples and short hashes whole', () => {
    expect(formatMs({ p50: null, p99: null, samples: 0 })).toBe('-');
    expect(shortHash('abc')).toBe('abc');
  });
});
