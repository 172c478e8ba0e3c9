// The launcher and its disks: real tmpfs filesystems that fill up or sit apart (smallfs.testutil.ts), never a mock.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseTarball, signedManifest } from './fixtures.testutil.ts';
import { cleanUp, onCleanUp, releases, reportWith, scenario, server, waitFor } from './harness.testutil.ts';
import { mountSmallFs, SMALL_FS } from './smallfs.testutil.ts';

afterEach(cleanUp);

if (SMALL_FS !== undefined) console.warn(`launcher disk tests skipped: ${SMALL_FS}`);

describe.skipIf(SMALL_FS !== undefined)('the launcher on a disk that fills', () => {
  it('LCH-2: a disk that fills while unpacking is a temporary failure (LCH_DISK_FULL), retried once there is room', async () => {
    const fs = mountSmallFs(8 << 20);
    onCleanUp(async () => fs.unmount());
    // A release of about 512 KiB that unpacks to 2.5 MiB; the disk has room for the download, not the unpack.
    const padding = [
      { name: 'noise', content: new Uint8Array(randomBytes(512 << 10)) },
      { name: 'zeros', content: new Uint8Array(2 << 20) },
    ];
    const tar = await releaseTarball('2.0.0', 'node', ['v2'], padding);
    const srv = await server(tar);
    const filler = fs.fillLeaving(1536 << 10);
    const s = await scenario(() => ({ signed: signedManifest(tar), planHeight: 1_000_000n, urls: [srv.url] }), {
      parent: fs.dir,
    });
    const retrying = await reportWith(s.home, 'retrying', 'the disk-full report');
    expect(retrying).toMatchObject({ code: 'LCH_DISK_FULL', plan: 'v2' });
    expect(releases(s.home)).toEqual(['1.0.0']);
    // The failed unpack left nothing behind to fill the disk further.
    expect(readdirSync(join(s.home, 'launcher', 'downloads'))).toEqual([]);
    rmSync(filler);
    await reportWith(s.home, 'prepared', 'the release prepared once there is room');
    expect(releases(s.home)).toEqual(['1.0.0', '2.0.0']);
  });

  it('LCH-8: a backup that fills the disk is LCH_BACKUP_FAILED, retried, and never costs the previous backup', async () => {
    const fs = mountSmallFs(8 << 20);
    onCleanUp(async () => fs.unmount());
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    let filler = '';
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      {
        parent: fs.dir,
        launcher: { keepBackups: 1 },
        setUp: (home) => {
          // An earlier plan's backup, and 2 MiB in data/ that a backup copies (a log file, not a table).
          const earlier = join(home, 'launcher', 'backups', 'v1');
          mkdirSync(join(earlier, 'data'), { recursive: true });
          writeFileSync(join(earlier, 'data', 'height'), '9');
          writeFileSync(join(earlier, 'backup.json'), JSON.stringify({ plan: 'v1', atMs: 1 }));
          mkdirSync(join(home, 'data', 'state'), { recursive: true });
          writeFileSync(join(home, 'data', 'state', '000007.log'), randomBytes(2 << 20));
          filler = fs.fillLeaving(1 << 20);
        },
      },
    );
    const r = await reportWith(s.home, 'retrying', 'the failed backup');
    expect(r).toMatchObject({ code: 'LCH_BACKUP_FAILED', plan: 'v2' });
    expect(r.message).toMatch(/disk-full/);
    expect(s.launcher.phase).not.toBe('running');
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
    // The previous backup is whole and the partial one is gone, so the disk is no fuller than before.
    expect(readFileSync(join(s.home, 'launcher', 'backups', 'v1', 'data', 'height'), 'utf8')).toBe('9');
    expect(readdirSync(join(s.home, 'launcher', 'backups', 'v2'))).toEqual([]);
    rmSync(filler);
    await reportWith(s.home, 'upgraded', 'the switch once there is room');
    expect(readdirSync(join(s.home, 'launcher', 'backups'))).toEqual(['v2']);
  });

  it('LCH-8: copies what it cannot hard-link when the backup directory is on another filesystem', async () => {
    const other = mountSmallFs(8 << 20);
    onCleanUp(async () => other.unmount());
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      { launcher: { backupDir: join(other.dir, 'backups') } },
    );
    const r = await reportWith(s.home, 'upgraded', 'the switch');
    expect(r.backup).toMatchObject({ linked: 0 });
    expect(r.backup?.copied).toBeGreaterThan(0);
    const table = join(other.dir, 'backups', 'v2', 'data', 'state', '000005.ldb');
    expect(readFileSync(table, 'utf8')).toBe('an immutable table');
    expect(statSync(table).dev).not.toBe(statSync(join(s.home, 'data', 'state', '000005.ldb')).dev);
  });

  it('LCH-6: rolls back when data/ is a mount point of its own (entries moved, not the directory)', async () => {
    const tar = await releaseTarball('2.0.0', 'crash', ['v2']);
    const srv = await server(tar);
    const dataFs = mountSmallFs(8 << 20);
    let mountPoint = '';
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      {
        setUp: (home) => {
          mountPoint = join(home, 'data');
          execFileSync('mount', ['--bind', dataFs.dir, mountPoint]);
        },
      },
    );
    // Registered after the scenario's own clean-up, so it runs first: the home is removed once data/ is unmounted.
    onCleanUp(async () => {
      await s.launcher.stop();
      execFileSync('umount', ['-l', mountPoint]);
      dataFs.unmount();
    });
    const r = await reportWith(s.home, 'rolled-back', 'the rollback');
    expect(existsSync(join(s.home, 'data', 'poison'))).toBe(false);
    expect(existsSync(join(s.home, 'data', 'state', '000005.ldb'))).toBe(true);
    expect(existsSync(join(r.failedData, 'poison'))).toBe(true);
  });
});

describe('the launcher and data/ it cannot back up', () => {
  it('LCH-8: refuses to back up a symbolic link inside data/, saying which, and switches once it is gone', async () => {
    const tar = await releaseTarball('2.0.0', 'node', ['v2']);
    const srv = await server(tar);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      { setUp: (home) => symlinkSync('/tmp', join(home, 'data', 'elsewhere')) },
    );
    const r = await reportWith(s.home, 'retrying', 'the refused backup');
    expect(r).toMatchObject({ code: 'LCH_BACKUP_FAILED', plan: 'v2' });
    expect(r.message).toContain(join(s.home, 'data', 'elsewhere'));
    rmSync(join(s.home, 'data', 'elsewhere'));
    await reportWith(s.home, 'upgraded', 'the switch once the link is gone');
  });

  it('LCH-8: --unsafe-skip-backup switches without a backup; a release that then fails stops the node (LCH_NO_BACKUP)', async () => {
    const tar = await releaseTarball('2.0.0', 'crash', ['v2']);
    const srv = await server(tar);
    const s = await scenario(
      () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
      { launcher: { skipBackup: true } },
    );
    const r = await reportWith(s.home, 'failed', 'the failure without a backup');
    expect(r).toMatchObject({ code: 'LCH_NO_BACKUP', plan: 'v2', toVersion: '2.0.0', exitCode: 1 });
    expect(s.logs.some((l) => l.includes('--unsafe-skip-backup'))).toBe(true);
    expect(existsSync(join(s.home, 'launcher', 'backups', 'v2'))).toBe(false);
    await waitFor('the stop', () => s.launcher.phase === 'halted');
    expect(readFileSync(join(s.home, 'ran-1.0.0'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
