// The launcher on a disk that fills: real tmpfs filesystems (smallfs.testutil.ts), never a mock.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseTarball, signedManifest } from './fixtures.testutil.ts';
import { cleanUp, onCleanUp, releases, reportWith, scenario, server } from './harness.testutil.ts';
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
});
