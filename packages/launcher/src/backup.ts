/**
 * LCH-6's backup of `data/` before a switch, and its restore on rollback.
 *
 * A file that its writer never changes once written is hard-linked: LevelDB's table files (`*.ldb`, `*.sst`) are
 * written once, then only deleted by compaction, so the link keeps the old bytes whatever the new release does.
 * Every other file is copied, because it is appended to or rewritten in place: LevelDB's `*.log`, `MANIFEST-*`,
 * `CURRENT`, the consensus WAL, `last_signed`, the upgrade-info file, anything unknown. LevelDB's `LOCK` is not
 * backed up: it holds no data and LevelDB recreates it.
 */
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncPath } from '@babychain/upgrade';

const IMMUTABLE = /\.(ldb|sst)$/;
const SKIPPED = new Set(['LOCK']);

export interface BackupStats {
  linked: number;
  copied: number;
}

/** Backs up `dataDir` into `dest` (replaced if it exists). */
export function backupData(dataDir: string, dest: string): BackupStats {
  rmSync(dest, { recursive: true, force: true });
  const stats: BackupStats = { linked: 0, copied: 0 };
  mkdirSync(dest, { recursive: true });
  if (existsSync(dataDir)) copyTree(dataDir, dest, stats);
  fsyncPath(dest);
  fsyncPath(dirname(dest));
  return stats;
}

function copyTree(from: string, to: string, stats: BackupStats): void {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const st = lstatSync(src);
    if (st.isDirectory()) {
      mkdirSync(dst);
      copyTree(src, dst, stats);
      fsyncPath(dst);
    } else if (st.isFile() && !SKIPPED.has(name)) {
      if (IMMUTABLE.test(name)) {
        linkSync(src, dst);
        stats.linked++;
      } else {
        copyFileSync(src, dst);
        fsyncPath(dst);
        stats.copied++;
      }
    }
  }
}

/** Moves the failed `dataDir` to `asideDir` and puts the backup `from` in its place (the backup is consumed). */
export function restoreData(dataDir: string, from: string, asideDir: string): void {
  mkdirSync(dirname(asideDir), { recursive: true });
  if (existsSync(dataDir)) renameSync(dataDir, asideDir);
  renameSync(from, dataDir);
  fsyncPath(dirname(dataDir));
  fsyncPath(dirname(asideDir));
}
