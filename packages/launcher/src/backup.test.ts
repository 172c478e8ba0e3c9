// LCH-6, LCH-8 on one filesystem: what a move or a backup cut short by a crash leaves, and what running it again
// makes of it. (Across filesystems and on full disks: disk.test.ts.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { backupData, moveEntries, pruneBackups } from './backup.ts';
import { installArtifact } from './commands.ts';
import { makeHome, releaseTarball } from './fixtures.testutil.ts';
import { Launcher } from './launcher.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'launcher-backup-'));
  dirs.push(d);
  return d;
}

describe('moveEntries (LCH-6)', () => {
  it('finishes a move a crash cut short: an entry already whole at the destination is only removed from the source', () => {
    const d = dir();
    const from = join(d, 'data');
    const to = join(d, 'failed');
    mkdirSync(join(from, 'consensus'), { recursive: true });
    mkdirSync(join(to, 'consensus'), { recursive: true });
    // The crash came after the copy was renamed into place and while the source was being removed.
    writeFileSync(join(to, 'consensus', 'last_signed'), 'the whole copy');
    writeFileSync(join(from, 'consensus', 'wal-left-over'), 'what the removal had not reached');
    writeFileSync(join(from, 'height'), '7');
    moveEntries(from, to);
    expect(readFileSync(join(to, 'consensus', 'last_signed'), 'utf8')).toBe('the whole copy');
    expect(readFileSync(join(to, 'height'), 'utf8')).toBe('7');
    expect(readdirSync(from)).toEqual([]);
  });

  it("throws away an unfinished copy across filesystems and leaves a filesystem's lost+found where it is", () => {
    const d = dir();
    const from = join(d, 'data');
    const to = join(d, 'failed');
    mkdirSync(join(from, 'lost+found'), { recursive: true });
    mkdirSync(join(to, 'chain.babychain-moving'), { recursive: true });
    writeFileSync(join(to, 'chain.babychain-moving', 'half'), 'half a copy');
    mkdirSync(join(from, 'chain'));
    writeFileSync(join(from, 'chain', 'block'), 'b');
    moveEntries(from, to);
    expect(readdirSync(to).sort()).toEqual(['chain']);
    expect(readFileSync(join(to, 'chain', 'block'), 'utf8')).toBe('b');
    expect(readdirSync(from)).toEqual(['lost+found']);
  });
});

describe('backups (LCH-8)', () => {
  it("leaves a filesystem's lost+found out of the backup", () => {
    const d = dir();
    const data = join(d, 'data');
    mkdirSync(join(data, 'lost+found'), { recursive: true });
    writeFileSync(join(data, 'height'), '3');
    const stats = backupData(data, join(d, 'backups', 'v2'), { plan: 'v2' });
    expect(stats).toEqual({ linked: 0, copied: 1 });
    expect(readdirSync(join(d, 'backups', 'v2', 'data'))).toEqual(['height']);
  });

  it('keeps the newest plans, and removes backup.json before the rest of an older plan', () => {
    const d = dir();
    for (const [plan, atMs] of [
      ['v1', 1],
      ['v2', 2],
      ['v3', 3],
    ] as const) {
      mkdirSync(join(d, plan, 'data'), { recursive: true });
      writeFileSync(join(d, plan, 'backup.json'), JSON.stringify({ atMs }));
    }
    expect(pruneBackups(d, 'v4', 2)).toEqual(['v2', 'v1']);
    expect(readdirSync(d)).toEqual(['v3']);
    expect(existsSync(join(d, 'v3', 'backup.json'))).toBe(true);
  });

  it('refuses to start with a backup directory inside data/ (it would copy itself)', async () => {
    const { home } = await makeHome();
    dirs.push(home);
    const tar = join(home, 'r.tar.gz');
    writeFileSync(tar, await releaseTarball('1.0.0'));
    await installArtifact(home, tar);
    const err = await new Launcher({ home, backupDir: join(home, 'data', 'backups') }).run().catch((e: unknown) => e);
    expect(isBabyError(err, 'LCH_BAD_USAGE')).toBe(true);
  });
});
