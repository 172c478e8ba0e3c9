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
import { fsyncPath, writeFileDurable } from '@babychain/upgrade';
import { type GuardRecord, guardToKeep, walFromFailed } from './decisions.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { readJson, writeJsonDurable } from './layout.ts';

const IMMUTABLE = /\.(ldb|sst)$/;
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
  return join(root, plan);
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
    if (existsSync(dataDir)) copyTree(dataDir, partial, stats);
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

function copyTree(from: string, to: string, stats: BackupStats): void {
  for (const name of readdirSync(from)) {
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
  for (const name of removed) rmSync(join(root, name), { recursive: true, force: true });
  return removed;
}

// ---- LCH-6: the rollback ----

/**
 * Moves every entry of `from` into `to`, entry by entry, so that it works when `from` is a mount point (which
 * cannot be renamed) and when `to` is on another filesystem (copied, then removed). An entry already in `to` is a
 * copy cut short by a crash: it is replaced. Safe to run again after a crash at any point.
 */
export function moveEntries(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    rmSync(dst, { recursive: true, force: true });
    try {
      renameSync(src, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
      rmSync(src, { recursive: true, force: true });
    }
  }
  fsyncPath(to);
  fsyncPath(from);
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
