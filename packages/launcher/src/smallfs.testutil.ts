/**
 * Real small filesystems for the disk tests: a tmpfs of a given size, mounted on a fresh directory, that fills up
 * as a disk does (ENOSPC from the kernel, not a mock). Mounting needs root; `SMALL_FS` says why tests skip when not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Undefined when this process can mount a tmpfs; else why the disk tests cannot run here. */
export const SMALL_FS: string | undefined = process.getuid?.() === 0 ? undefined : 'mounting a tmpfs needs root';

export interface SmallFs {
  readonly dir: string;
  /** bytes the filesystem still has free */
  free(): number;
  /** writes a file that leaves `leave` bytes free (a page or so more or less), returns its path */
  fillLeaving(leave: number): string;
  unmount(): void;
}

export function mountSmallFs(sizeBytes: number): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), 'babychain-smallfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  const free = () => {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  };
  let fillers = 0;
  return {
    dir,
    free,
    fillLeaving(leave) {
      const path = join(dir, `filler-${fillers++}`);
      writeFileSync(path, Buffer.alloc(Math.max(0, free() - leave)));
      return path;
    },
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
