import { encodeAddress, type ValidatorInfo } from '@babychain/client';
import { describe, expect, it } from 'vitest';
import { percent } from '../share.ts';
import {
  attestationsBy,
  attestedPower,
  blocksLeft,
  blocksText,
  estimateMs,
  formatDuration,
  meets,
  neededPower,
  type Rules,
  ruleLines,
  switchGapMs,
  votersOf,
} from './model.ts';

// What a node answers as RPC-18 `rules` (packages/upgrade GOV_RULES); the views take them from the answer.
const RULES: Rules = {
  quorum: { numerator: 1, denominator: 3, of: 'total' },
  veto: { numerator: 1, denominator: 3, of: 'voted' },
  pass: {
    'software-upgrade': { numerator: 2, denominator: 3, of: 'total' },
    'validator-change': { numerator: 2, denominator: 3, of: 'total' },
    'cancel-upgrade': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
    'param-change': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
  },
  attestation: { numerator: 1, denominator: 3, of: 'total' },
  ready: { numerator: 2, denominator: 3, of: 'total' },
};
const tally = (yes: bigint, no: bigint, abstain: bigint, veto: bigint, totalPower = 40n) => ({
  yes,
  no,
  abstain,
  veto,
  totalPower,
});

describe('shares', () => {
  it('is met only strictly above the line, as GOV-6 counts', () => {
    expect(meets(26n, 40n, RULES.ready)).toBe(false);
    expect(meets(27n, 40n, RULES.ready)).toBe(true);
    expect(neededPower(40n, RULES.ready)).toBe(27n);
    // exactly two thirds is not more than two thirds
    expect(meets(20n, 30n, RULES.ready)).toBe(false);
    expect(neededPower(30n, RULES.ready)).toBe(21n);
  });

  it('rounds percentages down to a tenth', () => {
    expect(percent(2n, 3n)).toBe('66.6 %');
    expect(percent(40n, 40n)).toBe('100.0 %');
    expect(percent(1n, 0n)).toBe('0 %');
  });
});

describe('ruleLines', () => {
  it('measures an upgrade against quorum, veto and yes of all power', () => {
    const lines = ruleLines('software-upgrade', tally(20n, 0n, 0n, 0n), RULES);
    expect(lines.map((l) => [l.key, l.part, l.base, l.met])).toEqual([
      ['quorum', 20n, 40n, true],
      ['veto', 0n, 20n, false],
      ['pass', 20n, 40n, false],
    ]);
    expect(ruleLines('software-upgrade', tally(30n, 0n, 0n, 0n), RULES)[2]?.met).toBe(true);
  });

  it('measures a parameter change by yes against yes, no and veto, abstentions aside', () => {
    const [quorum, veto, pass] = ruleLines('param-change', tally(10n, 0n, 20n, 0n), RULES);
    expect(quorum?.met).toBe(true);
    expect(veto?.base).toBe(30n);
    expect([pass?.base, pass?.met]).toEqual([10n, true]);
  });

  it('adds the attestation line for a grown-up chain only', () => {
    const t = tally(40n, 0n, 0n, 0n);
    expect(ruleLines('software-upgrade', t, RULES, { required: false, power: 0n })).toHaveLength(3);
    const grown = ruleLines('software-upgrade', t, RULES, { required: true, power: 10n });
    expect(grown[3]).toMatchObject({ key: 'attestation', part: 10n, base: 40n, met: false });
  });
});

describe('countdown', () => {
  it('counts blocks to the height and estimates from the median block time', () => {
    expect(blocksLeft(57n, 45n)).toBe(12n);
    expect(blocksLeft(57n, 60n)).toBe(0n);
    expect([blocksText(1n), blocksText(12n)]).toEqual(['1 block', '12 blocks']);
    expect(estimateMs(12n, 950)).toBe(11_400);
    expect(estimateMs(12n, null)).toBeNull();
    expect(formatDuration(11_400)).toBe('about 11 s');
    expect(formatDuration(125_000)).toBe('about 2 min 5 s');
    expect(formatDuration(2000 * 950)).toBe('about 31 min 40 s');
    expect(formatDuration(200 * 3_600_000)).toBe('about 8 days');
  });
});

describe('validators and attestations', () => {
  const operators = [new Uint8Array(20).fill(1), new Uint8Array(20).fill(2)];
  const validators = operators.map(
    (op, i): ValidatorInfo => ({
      index: i,
      name: `node${i}`,
      address: encodeAddress(op, 'baby'),
      publicKey: new Uint8Array(32),
      power: 10n * BigInt(i + 1),
      operator: encodeAddress(op, 'baby'),
    }),
  );
  const artifacts = [{ platform: 'linux-x64', sha256: 'aa'.repeat(32) }];

  it('names voters by operator hex, as the record does', () => {
    const voters = votersOf(validators);
    expect(voters.map((v) => v.voter)).toEqual(['01'.repeat(20), '02'.repeat(20)]);
    const attestations = [
      { planName: 'v2', validator: '02'.repeat(20), platform: 'linux-x64', sha256: 'aa'.repeat(32) },
      { planName: 'v2', validator: '02'.repeat(20), platform: 'darwin-arm64', sha256: 'bb'.repeat(32) },
      { planName: 'v1', validator: '01'.repeat(20), platform: 'linux-x64', sha256: 'aa'.repeat(32) },
    ];
    expect(attestationsBy('02'.repeat(20), 'v2', attestations, artifacts)).toEqual([
      { platform: 'linux-x64', sha256: 'aa'.repeat(32), matches: true },
      { platform: 'darwin-arm64', sha256: 'bb'.repeat(32), matches: false },
    ]);
    expect(attestationsBy('01'.repeat(20), 'v2', attestations, artifacts)).toEqual([]);
    expect(attestedPower(voters, 'v2', attestations)).toBe(20n);
  });
});

describe('switchGapMs', () => {
  it('is the header time from the block before the plan height to the first under the new version', () => {
    const block = (height: bigint, timeMs: bigint) => ({ height, hash: '', appHash: '', timeMs, txs: 0, proposer: '' });
    expect(switchGapMs([block(56n, 1000n), block(57n, 4200n)], 57n)).toBe(3200);
    expect(switchGapMs([block(56n, 1000n)], 57n)).toBeNull();
  });
});
