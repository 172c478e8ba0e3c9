import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { installArtifact, installSource, launcherStatus } from './commands.ts';
import { releaseTarball, type TarEntry, tarball } from './fixtures.testutil.ts';
import { ensureLayout, launcherPaths } from './layout.ts';
import { installTarball } from './release.ts';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'launcher-release-'));
  homes.push(h);
  ensureLayout(launcherPaths(h));
  return h;
}

async function file(h: string, bytes: Uint8Array): Promise<string> {
  const f = join(h, 'artifact.tar.gz');
  writeFileSync(f, bytes);
  return f;
}

const RELEASE: TarEntry = {
  name: 'release.json',
  content: JSON.stringify({ version: '2.0.0', sourceCommit: '', platform: 'x', appVersion: 1, entry: 'node.mjs' }),
};

async function refusal(entries: readonly TarEntry[], expectVersion?: string): Promise<unknown> {
  const h = home();
  const err = await installTarball(launcherPaths(h), await file(h, await tarball(entries)), expectVersion).catch(
    (e: unknown) => e,
  );
  expect(readdirSync(join(h, 'launcher', 'releases'))).toEqual([]);
  expect(readdirSync(join(h, 'launcher', 'downloads'))).toEqual([]);
  expect(existsSync(join(h, 'escaped'))).toBe(false);
  return err;
}

describe('installTarball', () => {
  it('refuses an entry that climbs out of the release folder', async () => {
    const err = await refusal([RELEASE, { name: 'node.mjs', content: '' }, { name: '../../escaped', content: 'x' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
  });

  it('refuses symlinks', async () => {
    const err = await refusal([RELEASE, { name: 'node.mjs', type: 'symlink', linkname: '/etc/passwd' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
  });

  it('refuses an archive without release.json', async () => {
    const err = await refusal([{ name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
  });

  it("refuses a release.json whose version is not the manifest's", async () => {
    const err = await refusal([RELEASE, { name: 'node.mjs', content: '' }], '3.0.0');
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
  });

  it('refuses an entry that points outside the release', async () => {
    const info = { version: '2.0.0', sourceCommit: '', platform: 'x', appVersion: 1, entry: '../x.mjs' };
    const bad: TarEntry = { name: 'release.json', content: JSON.stringify(info) };
    const err = await refusal([bad, { name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
    expect((err as Error).message).toMatch(/outside the release/);
  });

  it('refuses a release.json that lacks a REL-5 field, saying which', async () => {
    const bad: TarEntry = { name: 'release.json', content: JSON.stringify({ version: '2.0.0', entry: 'node.mjs' }) };
    const err = await refusal([bad, { name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
    expect(isBabyError((err as Error).cause, 'REL_BAD_RELEASE_INFO')).toBe(true);
    expect((err as Error).message).toMatch(/sourceCommit/);
  });
});

describe('install commands', () => {
  it('installs a release tarball as current and keeps the artifact for peers', async () => {
    const h = home();
    const release = await installArtifact(h, await file(h, await releaseTarball('1.2.3')));
    expect(release.info.version).toBe('1.2.3');
    const status = launcherStatus(h);
    expect(status).toMatchObject({ current: '1.2.3', releases: ['1.2.3'], lastUpgrade: null });
    expect(readdirSync(join(h, 'launcher', 'artifacts'))).toHaveLength(1);
  });

  it("registers a source checkout whose entry is the repository's CLI", () => {
    const h = home();
    const root = join(import.meta.dirname, '..', '..', '..');
    const release = installSource(h, root, '0.1.0');
    expect(release.entryPath).toBe(join(root, 'packages', 'cli', 'src', 'main.ts'));
    expect(launcherStatus(h).current).toBe('0.1.0');
  });
});
