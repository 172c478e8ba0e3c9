import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toHex } from '@babychain/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAIN_ID, plan, TEST_GOV_PARAMS, testGenesis } from './governance.testutil.ts';
import { readUpgradeInfo, UPGRADE_INFO_FILE, upgradeInfoOf, writeUpgradeInfo } from './upgrade-info.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'upgrade-info-'));
  dirs.push(d);
  return d;
};

const genesis = testGenesis();
const decision = {
  height: 30n,
  timeMs: 30_000n,
  versionInForce: '1.0.0',
  releaseSigners: TEST_GOV_PARAMS.releaseSigners,
  releaseThreshold: 2,
};
const scheduled = create('babychain.v0.GovState', { plan: plan('v2', 40n), planDecision: decision });

describe('the upgrade-info file (UPG-4)', () => {
  it('states the plan, the chain id and the decision (UPG-8) the release is checked against, and reads back the same', () => {
    const info = upgradeInfoOf(genesis, scheduled);
    expect(info).toMatchObject({ name: 'v2', height: 40n, chainId: CHAIN_ID, decision });
    const dir = dataDir();
    writeUpgradeInfo(dir, info as NonNullable<typeof info>);
    const json = JSON.parse(readFileSync(join(dir, UPGRADE_INFO_FILE), 'utf8')) as Record<string, unknown>;
    expect(json['decision']).toEqual({
      height: '30',
      timeMs: '30000',
      versionInForce: '1.0.0',
      releaseSigners: TEST_GOV_PARAMS.releaseSigners.map((k) => toHex(k)),
      releaseThreshold: 2,
    });
    expect(readUpgradeInfo(dir)).toEqual(info);
  });

  it('is undefined without a scheduled plan', () => {
    expect(upgradeInfoOf(genesis, create('babychain.v0.GovState', {}))).toBeUndefined();
  });

  it('reads a file written before the decision existed, and refuses one with the chain id or decision alone', () => {
    const info = upgradeInfoOf(genesis, scheduled) as NonNullable<ReturnType<typeof upgradeInfoOf>>;
    const dir = dataDir();
    writeUpgradeInfo(dir, info);
    const path = join(dir, UPGRADE_INFO_FILE);
    const full = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const { chainId: _c, decision: _d, ...old } = full;
    writeFileSync(path, JSON.stringify(old));
    const read = readUpgradeInfo(dir);
    expect(read?.name).toBe('v2');
    expect(read?.chainId).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...old, chainId: CHAIN_ID }));
    expect(() => readUpgradeInfo(dir)).toThrow(expect.objectContaining({ code: 'UPG_BAD_UPGRADE_INFO' }));
    writeFileSync(path, JSON.stringify({ ...old, decision: full['decision'] }));
    expect(() => readUpgradeInfo(dir)).toThrow(expect.objectContaining({ code: 'UPG_BAD_UPGRADE_INFO' }));
    writeFileSync(
      path,
      JSON.stringify({ ...full, decision: { ...(full['decision'] as object), releaseSigners: ['zz'] } }),
    );
    expect(() => readUpgradeInfo(dir)).toThrow(expect.objectContaining({ code: 'UPG_BAD_UPGRADE_INFO' }));
  });
});
