// Faults F1 to F5 and F8 (docs/architecture.md): validators killed, paused, partitioned and duplicated. Each scenario runs a
// fresh devnet in the OS temp dir (vitest's e2e project runs these files one at a time) and ends with the safety check.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import {
  all,
  catchUp,
  disposeDevnet,
  except,
  expectSafe,
  log,
  logsOnFailure,
  observe,
  reach,
  secs,
  started,
  tip,
  waitFor,
} from './helpers.ts';

describe('scenario 1: kill -9 one validator', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('commits 10 blocks in 30 s without it; after restart it is back at the tip within 30 s', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    const victim = 1;
    const others = except(devnet, victim);
    await devnet.kill(victim);
    const h0 = await tip(devnet, others);
    log('1', `killed node ${victim} at height ${h0}`);
    log('1', `10 blocks without it in ${secs(await reach(devnet, h0 + 10, others, 30_000))}`);

    devnet.start(victim);
    log('1', `node ${victim} back at the tip ${secs(await catchUp(devnet, victim, others, 30_000))} after restart`);
    await expectSafe(devnet);
  }, 120_000);
});

describe('scenario 2: kill two validators (1/2 of the power)', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('commits nothing and forks nothing while they are down; progress resumes within 30 s of their restart', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    const survivors = [0, 1];
    await Promise.all([devnet.kill(2), devnet.kill(3)]);
    const rises = await observe(devnet, survivors, 8_000);
    log('2', `survivors' height rose by ${rises.join(', ')} in 8 s with two of four down`);
    for (const rise of rises) expect(rise).toBeLessThanOrEqual(1);
    await devnet.checkSafety();

    const h = await tip(devnet, survivors);
    devnet.start(2);
    devnet.start(3);
    log('2', `progress resumed ${secs(await reach(devnet, h + 2, survivors, 30_000))} after the restart`);
    log('2', `all 4 at ${h + 3} after ${secs(await reach(devnet, h + 3, all(devnet), 30_000))} more`);
    await expectSafe(devnet);
  }, 120_000);
});

describe('scenario 3: SIGSTOP the proposer for 10 s', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('keeps committing without it (>= 3 blocks in the 10 s) and it catches up within 20 s of SIGCONT', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    await reach(devnet, 4, all(devnet), 30_000);
    const next = (await tip(devnet)) + 1;
    const found = devnet.proposerOf(next);
    const victim = Math.max(found, 0);
    const others = except(devnet, victim);
    devnet.pause(victim);
    log('3', `paused node ${victim}, the proposer of height ${next}`);
    const rises = await observe(devnet, others, 10_000);
    log('3', `the others committed ${rises.join(', ')} blocks during the 10 s pause`);
    for (const rise of rises) expect(rise).toBeGreaterThanOrEqual(3);

    devnet.resume(victim);
    log('3', `node ${victim} caught up ${secs(await catchUp(devnet, victim, others, 20_000))} after SIGCONT`);
    await expectSafe(devnet);
  }, 120_000);
});

describe('scenario 4: partition 2|2', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('commits on neither side; after healing, 5 blocks within 30 s', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    await devnet.partition([
      [0, 1],
      [2, 3],
    ]);
    const rises = await observe(devnet, all(devnet), 8_000);
    log('4', `heights rose by ${rises.join(', ')} in 8 s of partition 0,1|2,3`);
    for (const rise of rises) expect(rise).toBeLessThanOrEqual(1);
    await devnet.checkSafety();

    await devnet.heal();
    const h = await tip(devnet);
    log('4', `5 blocks on all ${secs(await reach(devnet, h + 5, all(devnet), 30_000))} after healing`);
    await expectSafe(devnet);
  }, 120_000);
});

describe('scenario 5: partition 3|1 isolating the proposer', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('commits 10 blocks in 30 s on the majority, none on the isolated node, which catches up within 30 s', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    await reach(devnet, 4, all(devnet), 30_000);
    const next = (await tip(devnet)) + 1;
    const found = devnet.proposerOf(next);
    const isolated = Math.max(found, 0);
    const majority = except(devnet, isolated);
    await devnet.partition([majority, [isolated]]);
    const [before] = await devnet.heights([isolated]);
    const h0 = await tip(devnet, majority);
    log('5', `isolated node ${isolated} (proposer of ${next}) at height ${before}, majority at ${h0}`);
    log('5', `majority committed 10 blocks in ${secs(await reach(devnet, h0 + 10, majority, 30_000))}`);
    const [after] = await devnet.heights([isolated]);
    expect(after).toBe(before);

    await devnet.heal();
    log('5', `node ${isolated} caught up ${secs(await catchUp(devnet, isolated, majority, 30_000))} after healing`);
    await expectSafe(devnet);
  }, 120_000);
});

describe('scenario 8: a duplicate validator key (1/4 of the power)', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('keeps one chain on every node while the honest validators detect, verify and store the equivocation', async () => {
    logsOnFailure(() => devnet);
    devnet = await started();
    const d = devnet;
    // A second process signing with validator 3's key: when 3 proposes, each copy proposes its own block and
    // prevotes it, so the two copies sign conflicting votes (CONS-9).
    const twin = await d.addFullNode();
    copyFileSync(join(d.node(3).home, 'priv_validator_key.json'), join(d.node(twin).home, 'priv_validator_key.json'));
    d.start(twin);
    const honest = [0, 1, 2];
    const t0 = Date.now();
    const evidence = async () => Promise.all(honest.map(async (i) => (await d.rpc(i).status()).evidence));
    const counts = await waitFor(
      async () => {
        const now = await evidence();
        return now.every((n) => n > 0) ? now : undefined;
      },
      { timeoutMs: 60_000, message: 'equivocation evidence on validators 0, 1 and 2' },
    );
    log('8', `evidence on validators 0-2 ${secs(Date.now() - t0)} after the twin started: ${counts.join(', ')}`);
    const h0 = await tip(d, honest);
    log('8', `5 more blocks with the twin running in ${secs(await reach(d, h0 + 5, honest, 30_000))}`);
    // Validator 0 names the equivocator, node 3's key by its index in the validator set, and no one else.
    const index = (await d.rpc(3).status()).validator?.index;
    const named = d.logTail(0, 2000).filter((line) => line.includes('"msg":"equivocation"'));
    expect(named.length).toBeGreaterThan(0);
    for (const line of named) expect(line).toContain(`"validator":${index},`);
    // Stored, not only counted: with the twin gone, validator 0 holds the same evidence after a restart.
    await d.stop(twin);
    const h1 = await tip(d, honest);
    await reach(d, h1 + 2, honest, 30_000);
    const held = (await d.rpc(0).status()).evidence;
    await d.stop(0);
    d.start(0);
    await catchUp(d, 0, [1, 2], 30_000);
    expect((await d.rpc(0).status()).evidence).toBe(held);
    const report = await d.checkSafety();
    expect(report.nodes).toEqual(except(d, twin));
    log('8', `safety: equal block and app hashes up to height ${report.height} on the 4 validators`);
  }, 240_000);
});
