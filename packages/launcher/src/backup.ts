/**
 * LCH-8: the backup of `data/` before a switch, its restore on rollback, and what a rollback keeps of the failed
 * release (LCH-6). A plan's directory under the backup root holds `data/` (the backup), `backup.json`, and
 * `failed-<ms>/` (the failed release's data, kept for a post-mortem).
 *
 * A file that its writer never changes once written is hard-linked: LevelDB's table files (`*.ldb`, `*.sst`) are
 * written once, then only deleted by compaction, so the link keeps the old bytes whatever the new release does.
 * Across filesystems (a backup root on another disk) or where links are not allowed they are copied. Every other
 * file is copied, because it is appended to or rewritten in place: LevelDB's `*.log`, `MANIFEST-*`, `CURRENT`, the
 * consensus WAL, `last_signed`, the upgrade-info file, anything unknown. LevelDB's `LOCK` holds no data. A link
 * inside `data/` is refused, never silently dropped: its target would not be in the backup.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { consensusFiles, parseLastSigned } from '@babychain/consensus';
import { fsyncPath, writeFileDurable } from '@babychain/util';
import { type GuardRecord, guardToKeep, walFromFailed } from './decisions.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { readJson, writeJsonDurable } from './layout.ts';

const IMMUTABLE = /\.(ldb|sst)$/;
const LOST_AND_FOUND = 'lost+found';
const SKIPPED = new Set(['LOCK']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
/** What a hard link fails with where a copy still works: another filesystem, or one without links. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']);

export interface BackupStats {
  linked: number;
  copied: number;
}

/** The directory that holds a plan's backup and failed data. */
export function planBackupDir(root: string, plan: string): string {
  // UPG-2 refuses these names; a path must never leave the backup root whatever a record says.
  if (plan === '.' || plan === '..' || plan.includes('/')) throw new Error(`"${plan}" cannot name a backup directory`);
  return join(root, plan);
}

/**
 * LCH-6: a backup that was put back in `data/` is spent. Its emptied directory goes, and backup.json says so, so that
 * nobody restores nothing by hand; the plan's directory keeps the failed data for a post-mortem.
 */
export function markRestored(planDir: string): void {
  rmSync(join(planDir, 'data'), { recursive: true, force: true });
  const record = readJson(join(planDir, 'backup.json')) as Record<string, unknown> | undefined;
  writeJsonDurable(join(planDir, 'backup.json'), { ...record, restored: true, restoredAtMs: Date.now() });
}

/**
 * Backs `dataDir` up into `<planDir>/data`. The copy is made in `data.partial` and only once it is complete (and
 * fsynced) does it replace an earlier backup of the plan, so a failure never leaves less than there was. Throws
 * LCH_BACKUP_FAILED (meta.reason `disk-full`, `symlink`, `special-file` or the errno) with the partial copy removed.
 */
export function backupData(dataDir: string, planDir: string, record: Record<string, unknown>): BackupStats {
  const partial = join(planDir, 'data.partial');
  rmSync(partial, { recursive: true, force: true });
  const stats: BackupStats = { linked: 0, copied: 0 };
  try {
    mkdirSync(partial, { recursive: true });
    if (existsSync(dataDir)) copyTree(dataDir, partial, stats, true);
    fsyncPath(partial);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw backupFailure(err, dataDir);
  }
  const done = join(planDir, 'data');
  rmSync(done, { recursive: true, force: true });
  renameSync(partial, done);
  writeJsonDurable(join(planDir, 'backup.json'), { ...record, ...stats, atMs: Date.now() });
  fsyncPath(planDir);
  return stats;
}

function copyTree(from: string, to: string, stats: BackupStats, top = false): void {
  for (const name of readdirSync(from)) {
    // A filesystem's own lost+found, when data/ is the root of one: not the node's, and often unreadable to it.
    if (top && name === LOST_AND_FOUND) continue;
    const src = join(from, name);
    const dst = join(to, name);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      throw launcherError(
        LauncherErrorCode.BACKUP_FAILED,
        `${src} is a symbolic link: its target would not be backed up; mount the disk at that path instead, or run with --unsafe-skip-backup`,
        { reason: 'symlink', path: src },
      );
    }
    if (st.isDirectory()) {
      mkdirSync(dst);
      copyTree(src, dst, stats);
      fsyncPath(dst);
    } else if (st.isFile()) {
      if (SKIPPED.has(name)) continue;
      if (IMMUTABLE.test(name) && tryLink(src, dst)) {
        stats.linked++;
      } else {
        copyFileSync(src, dst);
        fsyncPath(dst);
        stats.copied++;
      }
    } else {
      throw launcherError(LauncherErrorCode.BACKUP_FAILED, `${src} is neither a file nor a directory`, {
        reason: 'special-file',
        path: src,
      });
    }
  }
}

function tryLink(src: string, dst: string): boolean {
  try {
    linkSync(src, dst);
    return true;
  } catch (err) {
    if (NO_LINK.has((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
}

function backupFailure(err: unknown, dataDir: string): Error {
  if ((err as { code?: unknown }).code === LauncherErrorCode.BACKUP_FAILED) return err as Error;
  const errno = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const reason = DISK_FULL.has(errno) ? 'disk-full' : errno;
  return launcherError(
    LauncherErrorCode.BACKUP_FAILED,
    `the backup of ${dataDir} failed (${reason}): ${(err as Error).message}`,
    { reason, errno },
  );
}

/**
 * Keeps the newest `keep` plan directories under `root` (by their backup.json time) and `current`, and deletes the
 * others: only ever called once the new backup is complete.
 */
export function pruneBackups(root: string, current: string, keep: number): string[] {
  if (!existsSync(root)) return [];
  const dated = readdirSync(root)
    .filter((name) => name !== current && existsSync(join(root, name, 'backup.json')))
    .map((name) => {
      const record = readJson(join(root, name, 'backup.json')) as { atMs?: unknown } | undefined;
      return { name, atMs: typeof record?.atMs === 'number' ? record.atMs : 0 };
    })
    .sort((a, b) => b.atMs - a.atMs);
  const removed = dated.slice(Math.max(0, keep - 1)).map((d) => d.name);
  for (const name of removed) {
    // backup.json first: a plan directory cut short by a crash must not pass for a good backup.
    rmSync(join(root, name, 'backup.json'), { force: true });
    rmSync(join(root, name), { recursive: true, force: true });
  }
  return removed;
}

// ---- LCH-6: the rollback ----

/** A copy across filesystems is made under this name, then renamed: an entry named so is never a finished one. */
const MOVING = '.babychain-moving';

/**
 * Moves every entry of `from` into `to`, entry by entry, so that it works when `from` is a mount point (which
 * cannot be renamed) and when `to` is on another filesystem. There an entry is copied to `<name>.babychain-moving`,
 * fsynced, renamed to `<name>`, and only then removed from `from`. Safe to run again after a crash at any point: a
 * `.babychain-moving` copy is unfinished and made again; an entry in both places was moved whole and is only removed
 * from `from`. The top-level `lost+found` of a filesystem root is left where it is.
 */
export function moveEntries(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(to))
    if (name.endsWith(MOVING)) rmSync(join(to, name), { recursive: true, force: true });
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) {
    if (name === LOST_AND_FOUND) continue;
    const src = join(from, name);
    const dst = join(to, name);
    if (existsSync(dst)) {
      rmSync(src, { recursive: true, force: true });
      continue;
    }
    try {
      renameSync(src, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      const moving = `${dst}${MOVING}`;
      cpSync(src, moving, { recursive: true, verbatimSymlinks: true });
      fsyncTree(moving);
      renameSync(moving, dst);
      fsyncPath(to);
      rmSync(src, { recursive: true, force: true });
    }
  }
  fsyncPath(to);
  fsyncPath(from);
}

/** fsync of every file and directory below `path` (a copy's bytes on disk before it is renamed into place). */
function fsyncTree(path: string): void {
  const st = lstatSync(path);
  if (st.isDirectory()) for (const name of readdirSync(path)) fsyncTree(join(path, name));
  if (st.isDirectory() || st.isFile()) fsyncPath(path);
}

/**
 * After the backup is back in `dataDir`: keeps what the failed release signed and logged at and above the plan
 * height, so the double-sign guard never goes back (CONS-11) and no lock is forgotten: the guard file decisions.ts
 * `guardToKeep` picks, and the failed release's WAL files of the plan height and above.
 */
export function keepFailedConsensus(dataDir: string, failedDir: string, planHeight: bigint): void {
  const restored = consensusFiles(dataDir);
  const failed = consensusFiles(failedDir);
  if (guardToKeep(readGuard(restored.lastSigned), readGuard(failed.lastSigned)) === 'failed') {
    mkdirSync(dirname(restored.lastSigned), { recursive: true });
    writeFileDurable(restored.lastSigned, readFileSync(failed.lastSigned));
  }
  if (existsSync(failed.wal)) {
    mkdirSync(restored.wal, { recursive: true });
    for (const name of readdirSync(failed.wal)) {
      if (walFromFailed(name, planHeight))
        writeFileDurable(join(restored.wal, name), readFileSync(join(failed.wal, name)));
    }
  }
}

function readGuard(file: string): GuardRecord {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'corrupt';
  }
  try {
    return parseLastSigned(bytes, file);
  } catch {
    return 'corrupt';
  }
}
