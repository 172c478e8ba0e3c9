// LCH-9: add-upgrade. A release registered by hand for a plan is used instead of downloading, on a host with no
// source at all, and is checked exactly as a download is: the plan's manifest (REL-4, UPG-8), size and SHA-256.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { addedArtifactPath, addUpgrade } from './added.ts';
import { launcherStatus } from './commands.ts';
import { releaseTarball, SIGNER_SEEDS, signedManifest } from './fixtures.testutil.ts';
import { cleanUp, releases, report, reportWith, scenario, waitFor } from './harness.testutil.ts';
import { launcherPaths } from './layout.ts';

afterEach(cleanUp);

/** A setUp that registers `tar` for plan v2 as an operator would, before the launcher starts. */
function registered(tar: Uint8Array) {
  return (home: string) => {
    const file = join(home, 'carried-in.tar.gz');
    writeFileSync(file, tar);
    addUpgrade(home, 'v2', file);
  };
}

describe('add-upgrade (LCH-9)', () => {
  it('switches with no source at all: no URL, no peer, only the registered artifact', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [], haltWhen: 'submitted-txs' }),
      { setUp: registered(tar) },
    );
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r).toMatchObject({ plan: 'v2', fromVersion: '1.0.0', toVersion: '2.0.0' });
    expect(s.logs.some((l) => l.includes('taken from the file registered with add-upgrade'))).toBe(true);
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('2.0.0');
  });

  it('switches a node that halts at a past plan it syncs through, verifying against the upgrade-info file', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 20n, urls: [], haltAtStart: true }), {
      setUp: registered(tar),
    });
    await reportWith(s.home, 'upgraded', 'the switch');
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(true);
  });

  it('reports LCH_ADDED_UPGRADE_REFUSED for other bytes, unpacks nothing, and takes a corrected registration', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    // A release that looks right (same version) but is not the signed artifact: a wrong download on a USB stick.
    const wrong = await releaseTarball('2.0.0', 'crash', ['v2']);
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 20n, urls: [], haltAtStart: true }), {
      setUp: registered(wrong),
    });
    const r = await reportWith(s.home, 'retrying', 'the refusal of the registered file');
    expect(r).toMatchObject({ code: 'LCH_ADDED_UPGRADE_REFUSED', plan: 'v2' });
    // the first check that fails names it: the size, or, at the same size, the digest
    expect(r.message).toMatch(/REL_WRONG_SIZE|REL_DIGEST_MISMATCH/);
    expect(releases(s.home)).toEqual(['1.0.0']);
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
    // The operator carries in the right file: the next retry uses it, no restart needed.
    const file = join(s.home, 'fixed.tar.gz');
    writeFileSync(file, tar);
    expect(() => addUpgrade(s.home, 'v2', file)).toThrow(/--force/);
    addUpgrade(s.home, 'v2', file, true);
    await reportWith(s.home, 'upgraded', 'the switch on the corrected file');
    expect(readFileSync(join(s.home, 'launcher', 'current'), 'utf8').trim()).toBe('2.0.0');
  });

  it('checks the manifest as for a download: the right bytes under too few signatures are refused', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const signed = signedManifest(tar, { seeds: SIGNER_SEEDS.slice(0, 1) });
    const s = await scenario(() => ({ signed, planHeight: 20n, urls: [], haltAtStart: true }), {
      setUp: registered(tar),
    });
    await waitFor('the halt', () => s.launcher.phase === 'halted');
    expect(report(s.home)).toMatchObject({ status: 'refused', code: 'REL_TOO_FEW_SIGNATURES', plan: 'v2' });
    expect(releases(s.home)).toEqual(['1.0.0']);
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
  });

  it('refuses a plan name that is not one, and shows registrations in status', async () => {
    const tar = await releaseTarball('2.0.0');
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 1000n, urls: [] }));
    const file = join(s.home, 'r.tar.gz');
    writeFileSync(file, tar);
    for (const bad of ['..', 'V2', '../x', '']) {
      let code = '';
      try {
        addUpgrade(s.home, bad, file);
      } catch (err) {
        code = isBabyError(err) ? err.code : '';
      }
      expect(code, bad).toBe('LCH_BAD_USAGE');
    }
    const added = addUpgrade(s.home, 'v2', file);
    expect(added.path).toBe(addedArtifactPath(launcherPaths(s.home), 'v2'));
    expect(launcherStatus(s.home).added).toEqual([{ plan: 'v2', sha256: added.sha256, size: tar.length }]);
  });
});
