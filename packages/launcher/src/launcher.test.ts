import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, fromHex, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { P2pHost } from '@babychain/p2p';
import { genesisHash, networkName, parseGenesis } from '@babychain/state';
import {
  answerArtifactRequest,
  artifactProtocol,
  MAX_ARTIFACT_REQUEST_BYTES,
  MAX_ARTIFACT_RESPONSE_BYTES,
} from '@babychain/upgrade';
import { afterEach, describe, expect, it } from 'vitest';
import { lastSigned, wouldSignPrevote } from './fake-guard.testutil.ts';
import {
  artifactServer,
  CHAIN_ID,
  makeHome,
  releaseTarball,
  SIGNER_SEEDS,
  STRANGER_SEED,
  sha256Of,
  signedManifest,
  VALIDATOR_SEED,
  writeGov,
} from './fixtures.testutil.ts';
import {
  cleanUp,
  onCleanUp,
  releases,
  report,
  reportWith,
  type Scenario,
  scenario,
  server,
  waitFor,
} from './harness.testutil.ts';
import type { SwitchJournal } from './journal.ts';
import type { PreparedRelease } from './report.ts';

afterEach(cleanUp);

/** A refused plan: the refusal is reported and logged, nothing is unpacked, and at the halt nothing runs. */
async function expectRefused(s: Scenario, code: string): Promise<void> {
  const r = await reportWith(s.home, 'refused', 'a refusal');
  expect(r).toMatchObject({ status: 'refused', code, plan: 'v2' });
  expect(s.logs.some((l) => l.includes(code))).toBe(true);
  await expectNothingRan(s);
}

/** The old release halted at the plan height (it may once a report exists) and the launcher did not switch. */
async function expectNothingRan(s: Scenario): Promise<void> {
  expect(releases(s.home)).toEqual(['1.0.0']);
  await waitFor('the halt', () => s.launcher.phase === 'halted');
  expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
  expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('1.0.0');
  expect(releases(s.home)).toEqual(['1.0.0']);
  expect(existsSync(join(s.home, 'submitted-txs'))).toBe(false);
}

const REFUSAL_HALT = 'launcher/last-upgrade.json';

describe('Launcher', () => {
  it('LCH-3: never unpacks or runs a tampered artifact (REL_DIGEST_MISMATCH), and switches once a source sends the signed bytes', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    srv.mode = 'tamper';
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 10n,
      urls: [srv.url],
      haltWhen: REFUSAL_HALT,
    }));
    const r = await reportWith(s.home, 'retrying', 'the retry report');
    expect(r).toMatchObject({ code: 'REL_DIGEST_MISMATCH', plan: 'v2' });
    await expectNothingRan(s);
    // Halted at the plan height, the launcher keeps trying its sources: a mirror that is fixed is used.
    const before = srv.requests;
    srv.mode = 'ok';
    await reportWith(s.home, 'upgraded', 'the switch once the mirror is fixed');
    expect(srv.requests).toBeGreaterThan(before);
  });

  it('LCH-3: stops a download that exceeds the manifest size (REL_WRONG_SIZE) and keeps nothing of it', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    srv.mode = 'overfill';
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 10n,
      urls: [srv.url],
      haltWhen: REFUSAL_HALT,
    }));
    const r = await reportWith(s.home, 'retrying', 'the retry report');
    expect(r).toMatchObject({ code: 'REL_WRONG_SIZE', plan: 'v2' });
    await expectNothingRan(s);
    expect(readdirSync(join(s.home, 'launcher', 'downloads'))).toEqual([]);
  });

  it('refuses a manifest with fewer signatures than the threshold', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const signed = signedManifest(tar, { seeds: SIGNER_SEEDS.slice(0, 1) });
    const s = await scenario(() => ({ signed, planHeight: 10n, urls: [srv.url], haltWhen: REFUSAL_HALT }));
    await expectRefused(s, 'REL_TOO_FEW_SIGNATURES');
    expect(srv.requests).toBe(0);
  });

  it('refuses a manifest signed by a key outside the release-signer set', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const signed = signedManifest(tar, { seeds: [SIGNER_SEEDS[0] as Uint8Array, STRANGER_SEED] });
    const s = await scenario(() => ({ signed, planHeight: 10n, urls: [srv.url], haltWhen: REFUSAL_HALT }));
    await expectRefused(s, 'REL_UNKNOWN_SIGNER');
    expect(srv.requests).toBe(0);
  });

  it('REL-4: refuses a release whose version is not above the version in force', async () => {
    const tar = await releaseTarball('0.9.0', 'node', ['v2']);
    const srv = await server(tar);
    const signed = signedManifest(tar, { version: '0.9.0' });
    const s = await scenario(() => ({ signed, planHeight: 10n, urls: [srv.url], haltWhen: REFUSAL_HALT }));
    await expectRefused(s, 'REL_VERSION_NOT_HIGHER');
    expect(existsSync(join(s.home, 'ran-0.9.0'))).toBe(false);
  });

  it('UPG-8: refuses a manifest that had expired when the plan passed', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const signed = signedManifest(tar, { expiresMs: BigInt(Date.now() - 1000) });
    const s = await scenario(() => ({ signed, planHeight: 10n, urls: [srv.url], haltWhen: REFUSAL_HALT }));
    await expectRefused(s, 'REL_EXPIRED');
  });

  it('UPG-8: switches to a release whose manifest expired after the plan passed (the decision binds, not the clock)', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const now = BigInt(Date.now());
    const signed = signedManifest(tar, { expiresMs: now - 1000n });
    const s = await scenario(() => ({
      signed,
      planHeight: 20n,
      urls: [srv.url],
      decidedAtMs: now - 60_000n,
      haltWhen: 'submitted-txs',
    }));
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r).toMatchObject({ plan: 'v2', fromVersion: '1.0.0', toVersion: '2.0.0' });
    expect(s.logs.some((l) => l.includes('REL_EXPIRED'))).toBe(false);
  });

  it('UPG-8: switches after the signer set changed, checking the signers the plan passed under', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    // Governance replaced the signers since: neither key that signed the release is one any more.
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      signersNow: [publicKeyFromSeed(STRANGER_SEED)],
      haltWhen: 'submitted-txs',
    }));
    await reportWith(s.home, 'upgraded', 'the switch');
    expect(s.logs.some((l) => l.includes('REL_UNKNOWN_SIGNER'))).toBe(false);
  });

  it('UPG-8: a node that halts at start after the signer set changed switches on the decision in its upgrade-info file', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar, { expiresMs: BigInt(Date.now() - 1000) }),
      planHeight: 20n,
      urls: [srv.url],
      decidedAtMs: BigInt(Date.now() - 60_000),
      signersNow: [publicKeyFromSeed(STRANGER_SEED)],
      haltAtStart: true,
    }));
    await reportWith(s.home, 'upgraded', 'the switch');
  });

  it('GOV-3: checks the release against the version in force, not the version of the release it runs', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    // The operator runs 3.0.0 (installed by hand); the chain is on 1.0.0 and decided 2.0.0.
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      { running: '3.0.0' },
    );
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r).toMatchObject({ fromVersion: '3.0.0', toVersion: '2.0.0' });
  });

  it("leaves the ready signal to the validator's operator when that is another account (VAL-1, UPG-6)", async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 1_000_000n,
      urls: [srv.url],
      validators: [
        {
          index: 0,
          name: 'fake',
          address: encodeAddress(addressFromPublicKey(publicKeyFromSeed(VALIDATOR_SEED))),
          publicKey: toHex(publicKeyFromSeed(VALIDATOR_SEED)),
          power: '10',
          operator: encodeAddress(new Uint8Array(20).fill(9)),
        },
      ],
    }));
    await reportWith(s.home, 'prepared', 'prepared');
    await waitFor('the launcher to give up signalling', () =>
      s.logs.some((l) => l.includes('acts for it in governance and signals ready itself')) ? true : undefined,
    );
    expect(existsSync(join(s.home, 'submitted-txs'))).toBe(false);
  });

  it('retries a download cut off halfway and then prepares the release and signals ready', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    srv.mode = 'cut-once';
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 1_000_000n, urls: [srv.url] }));
    await reportWith(s.home, 'prepared', 'prepared');
    expect(srv.requests).toBeGreaterThanOrEqual(2);
    expect(s.logs.some((l) => l.includes('LCH_DOWNLOAD_FAILED'))).toBe(true);
    expect(releases(s.home)).toEqual(['1.0.0', '2.0.0']);
    const hex = toHex(sha256Of(tar));
    expect(readFileSync(join(s.home, 'launcher', 'artifacts', hex))).toEqual(Buffer.from(tar));
    expect(readdirSync(join(s.home, 'launcher', 'downloads'))).toEqual([]);
    const txHex = await waitFor('SignalReady', () => {
      const f = join(s.home, 'submitted-txs');
      return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
    });
    const tx = decode('babychain.v0.Tx', fromHex(txHex));
    expect(tx.body?.action).toEqual({ case: 'signalReady', value: { planName: 'v2' } });
    expect(tx.body?.chainId).toBe(CHAIN_ID);
    expect(tx.body?.nonce).toBe(4n);
    expect(tx.body?.fee).toBe(5n);
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
  });

  it('LCH-3: abandons a source that trickles one byte a second at its total deadline and takes the next', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const slow = await server(tar);
    slow.mode = 'trickle';
    const good = await server(tar);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [slow.url, good.url], haltAtStart: true }),
      { launcher: { sources: { idleMs: 10_000, baseMs: 1500, minBytesPerSecond: 1 << 20 } } },
    );
    // The node halted before the launcher ever prepared: the halt itself must not wait on the trickle.
    await reportWith(s.home, 'upgraded', 'the switch from the second source');
    expect(s.logs.some((l) => l.includes('not complete within'))).toBe(true);
    expect(slow.requests).toBe(1);
    expect(good.requests).toBe(1);
    expect(readdirSync(join(s.home, 'launcher', 'downloads'))).toEqual([]);
  });

  it('LCH-3: a node halted at the plan height keeps trying its sources until one delivers', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const down = await artifactServer(tar);
    const url = down.url;
    await down.close();
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 20n, urls: [url], haltAtStart: true }));
    const r = await reportWith(s.home, 'retrying', 'the failed download');
    expect(r).toMatchObject({ code: 'LCH_DOWNLOAD_FAILED', plan: 'v2' });
    await waitFor('the halt', () => s.launcher.phase === 'halted');
    // The mirror comes back on the same port: the halted launcher switches without anyone touching it.
    const back = await artifactServer(tar, Number(new URL(url).port));
    onCleanUp(() => back.close());
    await reportWith(s.home, 'upgraded', 'the switch once the mirror is back');
  });

  it('GOV-10: says "cancelled" in the report and prepared.json once the prepared plan is no longer scheduled', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const gov = { signed: signedManifest(tar), planHeight: 1_000_000n, urls: [srv.url] };
    const s = await scenario(() => gov);
    await reportWith(s.home, 'prepared', 'prepared');
    writeGov(s.home, { ...gov, cancelled: true });
    expect(await reportWith(s.home, 'cancelled', 'the cancel')).toMatchObject({ plan: 'v2', version: '2.0.0' });
    const prepared = JSON.parse(readFileSync(join(s.home, 'launcher', 'prepared.json'), 'utf8')) as PreparedRelease;
    expect(prepared).toMatchObject({ plan: 'v2', status: 'cancelled' });
    // Scheduled again with the same manifest: prepared again, with no second download.
    writeGov(s.home, gov);
    await reportWith(s.home, 'prepared', 'prepared again');
    await waitFor('prepared.json back to prepared', () => {
      const p = JSON.parse(readFileSync(join(s.home, 'launcher', 'prepared.json'), 'utf8')) as PreparedRelease;
      return p.status === 'prepared';
    });
    expect(srv.requests).toBe(1);
  });

  it('fetches the artifact from a peer by content hash when the URL is down', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const dir = join(await import('node:os').then((os) => os.tmpdir()), `peer-artifacts-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    writeFileSync(join(dir, toHex(sha256Of(tar))), tar);
    // the peer is on the genesis every test home has (P2P-2): read it from one
    const probe = await makeHome();
    const genesis = parseGenesis(readFileSync(join(probe.home, 'genesis.json'), 'utf8'));
    await rm(probe.home, { recursive: true, force: true });
    const peer = await P2pHost.create({
      nodeKeySeed: new Uint8Array(32).fill(42),
      genesisHash: genesisHash(genesis),
      listen: ['/ip4/127.0.0.1/tcp/0'],
    });
    peer.handle(artifactProtocol(networkName(genesis)), (req) => answerArtifactRequest(dir, req), {
      maxRequestBytes: MAX_ARTIFACT_REQUEST_BYTES,
      maxResponseBytes: MAX_ARTIFACT_RESPONSE_BYTES,
    });
    onCleanUp(async () => {
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    });
    const down = await artifactServer(tar);
    const url = down.url;
    await down.close();
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 1_000_000n, urls: [url] }), {
      bootstrap: [peer.multiaddrs()[0] as string],
    });
    await reportWith(s.home, 'prepared', 'prepared', 20_000);
    expect(s.logs.some((l) => l.includes('fetched from peer'))).toBe(true);
    expect(releases(s.home)).toEqual(['1.0.0', '2.0.0']);
  });

  it('switches to the verified release at exit 3, backing data up with hard links', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      haltWhen: 'submitted-txs',
    }));
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r).toMatchObject({ plan: 'v2', fromVersion: '1.0.0', toVersion: '2.0.0', haltHeight: '20' });
    if (r.status !== 'upgraded') throw new Error('unreachable');
    expect(BigInt(r.firstHeightOnNew)).toBeGreaterThanOrEqual(20n);
    expect(r.switchMs).toBeGreaterThan(0);
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('2.0.0');
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(true);
    expect(s.launcher.version).toBe('2.0.0');
    const backup = join(s.home, 'launcher', 'backups', 'v2', 'data');
    const live = statSync(join(s.home, 'data', 'state', '000005.ldb'));
    const saved = statSync(join(backup, 'state', '000005.ldb'));
    expect(saved.ino).toBe(live.ino);
    expect(saved.nlink).toBeGreaterThanOrEqual(2);
    const log = statSync(join(backup, 'state', '000006.log'));
    expect(log.ino).not.toBe(statSync(join(s.home, 'data', 'state', '000006.log')).ino);
    expect(existsSync(join(backup, 'state', 'LOCK'))).toBe(false);
    expect(existsSync(join(backup, 'upgrade-info.json'))).toBe(true);
    expect(s.output.some((l) => l.includes('UPG_NEEDED'))).toBe(true);
    // The new release still reports the plan until it commits the plan height: that is not a new plan to refuse.
    // Observation window: ten polls at 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(report(s.home)?.status).toBe('upgraded');
    expect(s.logs.some((l) => l.includes('REL_VERSION_NOT_HIGHER'))).toBe(false);
  });

  it('switches when the node halts before the launcher ever saw the plan, verifying against the upgrade-info file', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      haltAtStart: true,
    }));
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r).toMatchObject({ plan: 'v2', fromVersion: '1.0.0', toVersion: '2.0.0', haltHeight: '20' });
    expect(s.output.some((l) => l.includes('UPG_NEEDED at 20 at start'))).toBe(true);
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('2.0.0');
  });

  it('stays halted when the upgrade-info file names signers the manifest does not satisfy', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    // Signed by one key only: the threshold of 2 in the file refuses it (REL-4), before any download.
    const signed = signedManifest(tar, { seeds: SIGNER_SEEDS.slice(0, 1) });
    const s = await scenario(() => ({ signed, planHeight: 20n, urls: [srv.url], haltAtStart: true }));
    await waitFor('the halt', () => s.launcher.phase === 'halted');
    expect(report(s.home)).toMatchObject({ status: 'refused', code: 'REL_TOO_FEW_SIGNATURES', plan: 'v2' });
    expect(releases(s.home)).toEqual(['1.0.0']);
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
  });

  it('reports LCH_NOT_PREPARED for a halting plan it has no release for, replacing a refusal of an earlier plan', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const s = await scenario((home) => {
      const stale = { status: 'refused', code: 'REL_DIGEST_MISMATCH', message: 'tampered', plan: 'v1', atMs: 1 };
      writeFileSync(join(home, 'launcher', 'last-upgrade.json'), JSON.stringify(stale));
      // No signers in the file and no answer from the node's RPC before the halt: nothing to verify against.
      return {
        signed: signedManifest(tar),
        planHeight: 20n,
        urls: [],
        haltAtStart: true,
        upgradeInfoWithoutDecision: true,
      };
    });
    await waitFor('the halt', () => s.launcher.phase === 'halted');
    expect(report(s.home)).toMatchObject({ status: 'refused', code: 'LCH_NOT_PREPARED', plan: 'v2' });
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
  });

  it('rolls back a new release that crashes at start and stays on the previous one', async () => {
    const tar = await releaseTarball('2.0.0', 'crash', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      haltWhen: 'submitted-txs',
    }));
    const r = await reportWith(s.home, 'rolled-back', 'the rollback');
    if (r.status !== 'rolled-back') throw new Error('unreachable');
    expect(r).toMatchObject({
      code: 'LCH_ROLLED_BACK',
      plan: 'v2',
      fromVersion: '1.0.0',
      toVersion: '2.0.0',
      exitCode: 1,
    });
    expect(r.lastLines.join('\n')).toContain('cannot open the database');
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('1.0.0');
    // The crashing release's write is gone from data/ and kept aside for a post-mortem.
    expect(existsSync(join(s.home, 'data', 'poison'))).toBe(false);
    expect(existsSync(join(r.failedData, 'poison'))).toBe(true);
    expect(existsSync(join(s.home, 'data', 'state', '000005.ldb'))).toBe(true);
    // The previous release runs again, halts at the plan again, and the launcher does not loop.
    await waitFor('the halt after the rollback', () => s.launcher.phase === 'halted');
    expect(readFileSync(join(s.home, 'ran-1.0.0'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(s.home, 'ran-2.0.0'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(report(s.home)?.status).toBe('rolled-back');
    expect(s.logs.some((l) => l.includes('LCH_ROLLED_BACK'))).toBe(true);
  });

  it('LCH-6: a rollback keeps the double-sign guard and the WAL of a release that signed at the plan height and crashed', async () => {
    const tar = await releaseTarball('2.0.0', 'sign-then-crash', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      haltWhen: 'submitted-txs',
      signs: true,
    }));
    await reportWith(s.home, 'rolled-back', 'the rollback');
    await waitFor('the halt after the rollback', () => s.launcher.phase === 'halted');
    const signed = readFileSync(join(s.home, 'signed'), 'utf8').trim().split('\n');
    expect(signed).toContain('1.0.0 19');
    expect(signed).toContain('2.0.0 20');
    const data = join(s.home, 'data');
    // The backup taken at the halt had the guard at 19; the failed release signed a precommit at 20.
    expect(await lastSigned(data)).toMatchObject({ height: 20n, round: 0, step: 3 });
    expect(await wouldSignPrevote(data, 20n)).toBe(false);
    const wal = join(data, 'consensus', 'wal', `${'20'.padStart(20, '0')}.wal`);
    expect(readFileSync(wal, 'utf8')).toBe('2.0.0 locked at 20');
    // The rest of data/ is the backup's: the failed release's write is gone.
    expect(existsSync(join(data, 'poison'))).toBe(false);
  });

  it('LCH-6: watches a new release that answers but waits for the others past the timeout, and rolls nothing back', async () => {
    const tar = await releaseTarball('2.0.0', 'stall', ['v2']);
    const srv = await server(tar);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      { launcher: { switchTimeoutMs: 500 } },
    );
    await waitFor('the new release running', () => existsSync(join(s.home, 'ran-2.0.0')));
    // Observation window: six timeouts of 500 ms with the new release answering at height 19.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(report(s.home)).toMatchObject({ status: 'switching', step: 'watching', plan: 'v2' });
    expect(s.logs.some((l) => l.includes('waits for two thirds of the power'))).toBe(true);
    writeFileSync(join(s.home, 'unstall'), '');
    await reportWith(s.home, 'upgraded', 'the switch once the others switched');
    expect(readdirSync(join(s.home, 'launcher', 'backups', 'v2')).some((n) => n.startsWith('failed-'))).toBe(false);
  });

  it('LCH-6: a new release that halts at a later plan at once has committed past this one, and is not rolled back', async () => {
    const tar = await releaseTarball('2.0.0', 'halt-past', ['v2']);
    const srv = await server(tar);
    const s = await scenario(() => ({
      signed: signedManifest(tar),
      planHeight: 20n,
      urls: [srv.url],
      haltWhen: 'submitted-txs',
    }));
    await waitFor('the switch journalled', () => {
      const j = readJournalFile(s.home);
      return j?.state === 'upgraded' && j.plan === 'v2' ? j : undefined;
    });
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('2.0.0');
    expect(readdirSync(join(s.home, 'launcher', 'backups', 'v2')).some((n) => n.startsWith('failed-'))).toBe(false);
  });
});

function readJournalFile(home: string): SwitchJournal | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'launcher', 'switch.json'), 'utf8')) as SwitchJournal;
  } catch {
    return undefined;
  }
}
