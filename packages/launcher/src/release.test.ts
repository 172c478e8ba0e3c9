import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type BabyError, isBabyError } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { installArtifact, installSource, launcherStatus } from './commands.ts';
import { releaseTarball, type TarEntry, tarball } from './fixtures.testutil.ts';
import { ensureLayout, launcherPaths } from './layout.ts';
import { type ExpectedRelease, installTarball } from './release.ts';

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

async function refusal(entries: readonly TarEntry[], expected?: ExpectedRelease): Promise<unknown> {
  const h = home();
  const err = await installTarball(launcherPaths(h), await file(h, await tarball(entries)), expected).catch(
    (e: unknown) => e,
  );
  expect(readdirSync(join(h, 'launcher', 'releases'))).toEqual([]);
  expect(readdirSync(join(h, 'launcher', 'downloads'))).toEqual([]);
  expect(existsSync(join(h, 'escaped'))).toBe(false);
  return err;
}

/** What RELEASE's manifest and plan say, and the length of `entries`' tar stream. */
async function expectedOf(entries: readonly TarEntry[], over: Partial<ExpectedRelease['info']> = {}) {
  return {
    info: { version: '2.0.0', sourceCommit: '', platform: 'x', appVersion: 1, ...over },
    unpackedSize: BigInt(gunzipSync(await tarball(entries)).length),
  };
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

  it('REL-5: refuses an archive without release.json (REL_BAD_RELEASE_INFO)', async () => {
    const err = await refusal([{ name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'REL_BAD_RELEASE_INFO')).toBe(true);
  });

  it('REL-5: refuses a release.json whose version, source commit, platform or app version is not what was signed', async () => {
    const entries = [RELEASE, { name: 'node.mjs', content: '' }];
    for (const [field, value] of [
      ['version', '3.0.0'],
      ['sourceCommit', 'c'.repeat(40)],
      ['platform', 'linux-arm64'],
      ['appVersion', 2],
    ] as const) {
      const err = await refusal(entries, await expectedOf(entries, { [field]: value }));
      expect(isBabyError(err, 'REL_BAD_RELEASE_INFO'), field).toBe(true);
      expect((err as BabyError).meta['field']).toBe(field);
    }
    const h = home();
    const ok = await installTarball(launcherPaths(h), await file(h, await tarball(entries)), await expectedOf(entries));
    expect(ok.info.version).toBe('2.0.0');
  });

  it('refuses an entry that points outside the release', async () => {
    const info = { version: '2.0.0', sourceCommit: '', platform: 'x', appVersion: 1, entry: '../x.mjs' };
    const bad: TarEntry = { name: 'release.json', content: JSON.stringify(info) };
    const err = await refusal([bad, { name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
    expect((err as Error).message).toMatch(/outside the release/);
  });

  it('REL-5: refuses a release.json that lacks a field, saying which (REL_BAD_RELEASE_INFO)', async () => {
    const bad: TarEntry = { name: 'release.json', content: JSON.stringify({ version: '2.0.0', entry: 'node.mjs' }) };
    const err = await refusal([bad, { name: 'node.mjs', content: '' }]);
    expect(isBabyError(err, 'REL_BAD_RELEASE_INFO')).toBe(true);
    expect((err as Error).message).toMatch(/sourceCommit/);
  });

  it('REL-5: stops unpacking at the first byte past the declared unpacked size, and refuses a short stream', async () => {
    // 64 MiB of zeros gzip to about 64 KiB: a signed artifact that claims 16 KiB unpacked must not fill the disk.
    const bomb: TarEntry[] = [
      RELEASE,
      { name: 'node.mjs', content: '' },
      { name: 'zeros', content: '\0'.repeat(64 << 20) },
    ];
    const declared = { ...(await expectedOf([RELEASE, { name: 'node.mjs', content: '' }])), unpackedSize: 16_384n };
    const err = await refusal(bomb, declared);
    expect(isBabyError(err, 'REL_WRONG_UNPACKED_SIZE')).toBe(true);
    expect(BigInt((err as BabyError).meta['unpacked'] as string)).toBeLessThan(16_384n + 2n * 65_536n);
    const entries = [RELEASE, { name: 'node.mjs', content: '' }];
    const exact = await expectedOf(entries);
    const short = await refusal(entries, { ...exact, unpackedSize: exact.unpackedSize + 1n });
    expect(isBabyError(short, 'REL_WRONG_UNPACKED_SIZE')).toBe(true);
  });

  it('never replaces the release that runs', async () => {
    const h = home();
    const tar = await file(h, await tarball([RELEASE, { name: 'node.mjs', content: '' }]));
    const err = await installTarball(launcherPaths(h), tar, undefined, '2.0.0').catch((e: unknown) => e);
    expect(isBabyError(err, 'LCH_BAD_RELEASE')).toBe(true);
    expect(readdirSync(join(h, 'launcher', 'releases'))).toEqual([]);
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
