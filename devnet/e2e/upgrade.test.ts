// Governance and the signed-release upgrade path on 4 validators run by baby-launcher (specs/governance.md):
// a proposal without enough yes power is rejected, two upgrades in a row switch with no manual step and lose no
// acknowledged transfer (the first past a mirror that trickles one byte a second, the second fetched from peers by
// content hash while the artifact server is down), a cancel stops a scheduled upgrade, a late joiner crosses a
// plan whose manifest expired since and is then voted into the validator set of the upgraded chain and out again,
// the chain grows up by vote and then refuses a plan too soon for its longer periods and an unattested upgrade, and
// a release that crashes at start (attested, as a grown-up chain requires) is rolled back with a report.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BabyClient } from '@babychain/client';
import { isBabyError } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import { startArtifactServer } from '../src/release.ts';
import {
  attestRelease,
  launcherJournals,
  launcherReports,
  type PreparedRelease,
  prepareRelease,
  proposalOutcome,
  proposeCancel,
  proposeGrowUp,
  proposeUpgrade,
  releaseSigners,
  sendUntilHalt,
  type UpgradeContext,
  VALIDATOR_FUNDS,
  validatorSeed,
  waitForReady,
  waitForSwitch,
} from '../src/upgrade-flow.ts';
import { proposeJoin, proposeLeave, waitUntilOut, waitUntilSigning } from '../src/validator-flow.ts';
import { all, disposeDevnet, expectSafe, log, logsOnFailure, reach, secs, tmpDevnet, waitFor } from './helpers.ts';

const SOURCE_VERSION = '0.1.0';
const HOLDER_SEED = new Uint8Array(32).fill(7);
/** A coin holder who is not a validator. */
const HOLDER = {
  seed: HOLDER_SEED,
  address: encodeAddress(addressFromPublicKey(publicKeyFromSeed(HOLDER_SEED)), 'baby'),
};
/** A dead artifact URL: nothing listens on port 9 of loopback. */
const DEAD_BUCKET = 'http://127.0.0.1:9';
/** LCH-3's source deadlines, shortened from 30 s + 128 KiB/s so that a trickling mirror costs seconds, not a minute. */
const LAUNCHER_ARGS = ['--source-base', '3000', '--source-min-rate', '4194304'];
/** v0.3.0's manifest stops being valid this long after it is built: before the late joiner crosses its plan. */
const V030_EXPIRES_IN_MS = 40_000;

describe('governance and upgrades on 4 validators under baby-launcher', () => {
  let devnet: Devnet | undefined;
  let ctx: UpgradeContext;
  let closeBucket = async () => {};
  let trickle: Awaited<ReturnType<typeof startArtifactServer>> | undefined;
  const work = mkdtempSync(join(tmpdir(), 'babychain-e2e-upgrade-'));
  const releases = new Map<string, PreparedRelease>();
  afterAll(async () => {
    await closeBucket();
    await trickle?.close();
    await disposeDevnet(devnet);
    if (process.env['BABYCHAIN_E2E_KEEP'] === undefined) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const need = () => devnet as Devnet;
  const print = (line: string) => log('upgrade', line.trim());
  // Each release carries the ones before it, as a release commit on top of the last release would.
  const history: string[] = [];
  const release = async (planName: string, version: string, appVersion: number, expiresInMs?: number) => {
    history.push(planName);
    const prepared = await prepareRelease(ctx, {
      planName,
      version,
      appVersion,
      overlays: [...history],
      ...(expiresInMs === undefined ? {} : { expiresInMs }),
    });
    expect(prepared.rebuiltSha256).toBe(prepared.built.sha256);
    releases.set(planName, prepared);
    return prepared;
  };

  it('starts 4 validators from source under their launchers', async () => {
    logsOnFailure(() => devnet);
    const signers = releaseSigners();
    devnet = await tmpDevnet({
      validators: 4,
      commitWaitMs: 300,
      govParams: signers.govParams,
      validatorFunds: VALIDATOR_FUNDS,
      accounts: [{ address: HOLDER.address, balance: VALIDATOR_FUNDS }],
      launcher: { sourceVersion: SOURCE_VERSION, args: LAUNCHER_ARGS },
    });
    const bucketDir = join(work, 'bucket');
    mkdirSync(bucketDir, { recursive: true });
    const bucket = await startArtifactServer(bucketDir);
    closeBucket = bucket.close;
    trickle = await startArtifactServer(bucketDir, { trickle: true });
    ctx = {
      devnet,
      workDir: join(work, 'releases'),
      bucketDir,
      bucketUrl: bucket.url,
      signerSeeds: signers.seeds,
      print,
    };
    devnet.startAll();
    await reach(devnet, 2, all(devnet), 60_000);
    const status = await devnet.rpc(0).status();
    expect(status.version).toBe(SOURCE_VERSION);
    expect(status.appVersion).toBe(0);
  }, 90_000);

  it('rejects an upgrade with only half of the voting power voting yes, and refunds the deposit', async () => {
    logsOnFailure(() => devnet);
    const prepared = await release('v0.2.0', '0.2.0', 1);
    const client = need().rpc(0);
    // A coin holder proposes (GOV-4: anyone may); it earns no block fees, so its balance shows the refund.
    const before = (await client.account(HOLDER.address)).balance;
    const { proposalId } = await proposeUpgrade(ctx, prepared, {
      proposer: HOLDER,
      votes: ['yes', 'yes', 'no', null],
      heightIn: 2,
    });
    expect(await proposalOutcome(need(), proposalId)).toBe('rejected');
    const upgrade = await client.upgrade();
    expect(upgrade.governance.plan).toBeNull();
    const result = upgrade.governance.results.find((r) => BigInt(r.id) === proposalId);
    expect(result?.tally).toMatchObject({ yes: 20n, no: 10n, totalPower: 40n });
    // Refunded: the proposer paid only the fee of its proposal.
    const after = (await client.account(HOLDER.address)).balance;
    expect(before - after).toBe((await client.status()).params.minFee);
  }, 120_000);

  it('switches to 0.2.0 at the plan height with no manual step, past a first mirror that trickles, losing no acknowledged transfer', async () => {
    logsOnFailure(() => devnet);
    const prepared = releases.get('v0.2.0') as PreparedRelease;
    // LCH-3 (fault F13): the plan's first URL sends one byte a second; every launcher must give up on it
    // at its total deadline and take the next.
    const { proposalId, plan } = await proposeUpgrade(ctx, prepared, {
      proposer: 1,
      votes: ['yes', 'yes', 'yes', 'yes'],
      heightIn: 12,
      firstUrls: [`${(trickle as NonNullable<typeof trickle>).url}/{sha256}`],
    });
    // Each validator rebuilt it from the source commit and states the digest it got (UPG-7).
    await attestRelease(ctx, prepared, [0, 1, 2, 3]);
    const attested = (await need().rpc(0).upgrade()).governance.attestations;
    expect(attested.map((a) => [a.planName, a.sha256])).toEqual(Array(4).fill(['v0.2.0', prepared.built.sha256]));
    expect(await proposalOutcome(need(), proposalId)).toBe('passed');
    log('upgrade', `every launcher ready ${secs(await waitForReady(need(), plan.name))} after the vote`);
    const sent = await sendUntil(need(), plan.height);
    const report = await waitForSwitch(need(), plan, '0.2.0');
    log('upgrade', `gap between the last block on 0.1.0 and the first on 0.2.0: ${report.gapMs} ms`);
    expect(report.gapMs).toBeLessThan(15_000);
    await expectCommitted(need().rpc(0), sent);
    const status = await need().rpc(2).status();
    expect(status.appVersion).toBe(1);
    expect(status.params.minFee).toBe(250n); // the v0.2.0 migration's
    const applied = (await need().rpc(3).upgrade()).governance.applied;
    expect(applied).toEqual([{ name: 'v0.2.0', height: plan.height, appVersion: 1, version: '0.2.0' }]);
    for (const last of launcherReports(need())) {
      expect(last).toMatchObject({ status: 'upgraded', plan: 'v0.2.0', fromVersion: '0.1.0', toVersion: '0.2.0' });
    }
    expect(trickle?.requests()).toBeGreaterThanOrEqual(4);
    for (const i of all(need())) {
      expect(readFileSync(need().node(i).log, 'utf8')).toMatch(
        /artifact source skipped: LCH_DOWNLOAD_FAILED .*not complete within/,
      );
    }
  }, 180_000);

  it('switches again to 0.3.0, fetched from peers by content hash while the artifact server is down', async () => {
    logsOnFailure(() => devnet);
    const prepared = await release('v0.3.0', '0.3.0', 2, V030_EXPIRES_IN_MS);
    // Only validator 0 holds the artifact (as if its operator built it); the plan's URL is dead.
    const artifacts = join(need().node(0).home, 'launcher', 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    copyFileSync(prepared.built.path, join(artifacts, prepared.built.sha256));
    const { proposalId, plan } = await proposeUpgrade({ ...ctx, bucketUrl: DEAD_BUCKET }, prepared, {
      proposer: 2,
      votes: ['yes', 'yes', 'yes', 'no'],
      // Three launchers fetch from peers: 1.3 to 3.5 s after the vote here, and once past the plan height on a
      // loaded run (8 blocks, about 3 s); 20 blocks leave them room.
      heightIn: 20,
    });
    expect(await proposalOutcome(need(), proposalId)).toBe('passed');
    log('upgrade', `every launcher ready ${secs(await waitForReady(need(), plan.name))} after the vote (peer fetch)`);
    const sent = await sendUntil(need(), plan.height);
    const report = await waitForSwitch(need(), plan, '0.3.0');
    log('upgrade', `gap between the last block on 0.2.0 and the first on 0.3.0: ${report.gapMs} ms`);
    await expectCommitted(need().rpc(1), sent);
    expect((await need().rpc(0).status()).params.minFee).toBe(200n);
    expect((await need().rpc(0).upgrade()).governance.applied.map((a) => a.name)).toEqual(['v0.2.0', 'v0.3.0']);
  }, 180_000);

  it('stops a scheduled upgrade when a cancel proposal passes', async () => {
    logsOnFailure(() => devnet);
    const prepared = await release('v0.4.0', '0.4.0', 3);
    const { proposalId, plan } = await proposeUpgrade(ctx, prepared, {
      proposer: 3,
      votes: ['yes', 'yes', 'yes', 'yes'],
      heightIn: 40,
    });
    expect(await proposalOutcome(need(), proposalId)).toBe('passed');
    expect((await need().rpc(0).upgrade()).governance.plan?.name).toBe('v0.4.0');
    const cancel = await proposeCancel(ctx, 'v0.4.0', { proposer: 0, votes: ['yes', 'yes', 'yes', null] });
    expect(await proposalOutcome(need(), cancel)).toBe('passed');
    expect((await need().rpc(0).upgrade()).governance.plan).toBeNull();
    await reach(need(), Number(plan.height) + 2, all(need()), 90_000);
    const statuses = await Promise.all(all(need()).map((i) => need().rpc(i).status()));
    expect(statuses.map((s) => s.version)).toEqual(['0.3.0', '0.3.0', '0.3.0', '0.3.0']);
    expect(await expectSafe(need())).toBeGreaterThan(Number(plan.height));
  }, 180_000);

  it('lets a late joiner sync from genesis across both upgrades, one whose manifest expired since, and end on the same hashes (faults F10, F12)', async () => {
    logsOnFailure(() => devnet);
    // UPG-8 (fault F12): v0.3.0's manifest has expired since its plan passed; the joiner must still cross it.
    const expiresMs = (releases.get('v0.3.0') as PreparedRelease).manifest.manifest?.expiresMs ?? 0n;
    await waitFor(() => (BigInt(Date.now()) > expiresMs ? true : null), {
      timeoutMs: V030_EXPIRES_IN_MS,
      intervalMs: 250,
      message: "v0.3.0's manifest to expire",
    });
    const tip = Number((await need().rpc(0).status()).height);
    // A node under its own launcher, from release 0.1.0: it must switch at each plan height while syncing. It holds
    // a consensus key of its own, in no set yet: the next scenario votes it in.
    const joiner = await need().addFullNode({ validatorKey: true });
    const started = Date.now();
    need().start(joiner);
    await reach(need(), tip, [joiner], 180_000);
    log('upgrade', `a late joiner synced ${tip} blocks across 2 upgrades in ${secs(Date.now() - started)}`);
    const status = await need().rpc(joiner).status();
    expect(status.version).toBe('0.3.0');
    expect(status.appVersion).toBe(2);
    expect((await need().rpc(joiner).upgrade()).governance.applied.map((a) => a.name)).toEqual(['v0.2.0', 'v0.3.0']);
    // Its last switch; its last report may instead be v0.4.0's preparation or cancel, if its launcher polled while
    // the synced height lay between that plan's passing and its cancel.
    expect(launcherJournals(need())[joiner]).toMatchObject({
      state: 'upgraded',
      plan: 'v0.3.0',
      fromVersion: '0.2.0',
      toVersion: '0.3.0',
    });
    expect(await expectSafe(need())).toBeGreaterThanOrEqual(tip);
  }, 240_000);

  it('votes the late joiner into the set once the chain runs app version 1 or later, sees it sign, and votes it out (VAL-4..VAL-7)', async () => {
    logsOnFailure(() => devnet);
    const joiner = need().size - 1;
    expect((await need().rpc(joiner).status()).validator).toMatchObject({ index: null, power: 0n });
    expect(await proposeJoin(need(), joiner, { proposer: 0, votes: ['yes', 'yes', 'yes', 'yes', null] })).toBe(
      'passed',
    );
    const signing = await waitUntilSigning(need(), joiner);
    log(
      'upgrade',
      `the joiner signs as validator ${signing.index} from height ${signing.from}: proposed ${signing.proposed}, precommitted ${signing.precommitted}`,
    );
    expect((await need().rpc(0).validators()).totalPower).toBe(50n);
    expect(await proposeLeave(need(), joiner, { proposer: 0, votes: ['yes', 'yes', 'yes', 'yes', null] })).toBe(
      'passed',
    );
    await waitUntilOut(need(), joiner);
    expect(await expectSafe(need())).toBeGreaterThan(Number(signing.precommitted));
  }, 180_000);

  it('grows up by vote (GOV-7): longer periods, a plan too soon for them refused, an unattested upgrade rejected (UPG-7)', async () => {
    logsOnFailure(() => devnet);
    const client = need().rpc(0, 10_000);
    const growUp = await proposeGrowUp(ctx, { proposer: 2, votes: ['yes', 'yes', 'yes', 'yes'] });
    expect(await proposalOutcome(need(), growUp)).toBe('passed');
    const grown = await client.upgrade();
    expect(grown.governance.maturity).toBe('grown-up');
    expect((await client.status()).maturity).toBe('grown-up');
    const { babyVotingPeriod, babyUpgradeDelay, grownUpVotingPeriod, grownUpUpgradeDelay } = grown.governance.govParams;
    expect(grownUpVotingPeriod + grownUpUpgradeDelay).toBeGreaterThan(babyVotingPeriod + babyUpgradeDelay);
    const prepared = releases.get('v0.4.0') as PreparedRelease;
    // A plan as early as a baby chain allows is now too soon: refused when submitted, nothing in voting.
    const babyEarliest = -Number(grownUpVotingPeriod + grownUpUpgradeDelay - (babyVotingPeriod + babyUpgradeDelay));
    const tooSoon = await proposeUpgrade(ctx, prepared, { proposer: 1, votes: [], heightIn: babyEarliest }).catch(
      (e: unknown) => e,
    );
    expect(isBabyError(tooSoon) ? tooSoon.code : tooSoon).toBe('UPG_TOO_EARLY');
    // Unanimous, but no validator attested the release: rejected, and nothing is scheduled.
    const { proposalId } = await proposeUpgrade(ctx, prepared, {
      proposer: 1,
      votes: ['yes', 'yes', 'yes', 'yes'],
      heightIn: 6,
    });
    const inVoting = (await client.upgrade()).governance.proposals.find((p) => BigInt(p.id) === proposalId);
    expect(inVoting && inVoting.votingEndHeight - inVoting.submitHeight).toBe(grownUpVotingPeriod);
    expect(await proposalOutcome(need(), proposalId)).toBe('rejected');
    expect((await client.upgrade()).governance.plan).toBeNull();
  }, 120_000);

  it('rolls a release that crashes at start back to the previous one, data restored, and says why', async () => {
    logsOnFailure(() => devnet);
    const prepared = releases.get('v0.4.0') as PreparedRelease;
    const { proposalId, plan } = await proposeUpgrade(ctx, prepared, {
      proposer: 1,
      votes: ['yes', 'yes', 'yes', 'yes'],
      heightIn: 6,
    });
    // Grown up (above): validators with more than a third of the power attest the rebuilt release (UPG-7).
    await attestRelease(ctx, prepared, [0, 3]);
    expect(await proposalOutcome(need(), proposalId)).toBe('passed');
    await waitForReady(need(), plan.name);
    const reports = await waitFor(
      () => {
        const all = launcherReports(need());
        const rolled = all.filter((r) => r?.['status'] === 'rolled-back' && r['plan'] === 'v0.4.0');
        return rolled.length === all.length ? (rolled as Record<string, unknown>[]) : null;
      },
      { timeoutMs: 120_000, intervalMs: 500, message: 'every launcher to roll v0.4.0 back' },
    );
    for (const [i, r] of reports.entries()) {
      expect(r).toMatchObject({ code: 'LCH_ROLLED_BACK', fromVersion: '0.3.0', toVersion: '0.4.0', exitCode: 1 });
      expect((r['lastLines'] as string[]).join('\n')).toContain('broken on purpose');
      const home = need().node(i).home;
      expect(readFileSync(join(home, 'launcher', 'current'), 'utf8').trim()).toBe('0.3.0');
      // The failed release's data directory is kept aside; the backup taken at the halt is back in data/.
      expect(existsSync(String(r['failedData']))).toBe(true);
      expect(existsSync(join(home, 'data', 'upgrade-info.json'))).toBe(true);
    }
  }, 240_000);
});

/** Transfers from validator 0's own account, a few per block, until the block before `height` is committed. */
async function sendUntil(devnet: Devnet, height: bigint): Promise<string[]> {
  const client = devnet.rpc(0, 10_000);
  const from = { seed: validatorSeed(devnet, 0), address: (await client.status()).validator?.address as string };
  const to = (await devnet.rpc(1).status()).validator?.address as string;
  return sendUntilHalt(client, from, to, height, 150);
}

async function expectCommitted(client: BabyClient, ids: readonly string[]): Promise<void> {
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const tx = await client.waitForTx(id, { timeoutMs: 30_000 });
    expect(tx.height).toBeGreaterThan(0n);
  }
  log('upgrade', `${ids.length} transfers acknowledged before the halt, all committed`);
}
