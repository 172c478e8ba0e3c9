/** Writes that survive a crash at any point: the old content or the new, never a torn file. */
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** fsync of a file or a directory (a directory's, so that a rename in it is durable). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Durable replace: temp file, fsync, rename, fsync the directory. `mode` is set on the temp file even when a crash
 * left one behind (a mode given to a write applies only to a file it creates): a key is never renamed in readable.
 */
export function writeFileDurable(path: string, content: string | Uint8Array, mode?: number): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content, mode === undefined ? {} : { mode });
  if (mode !== undefined) chmodSync(tmp, mode);
  fsyncPath(tmp);
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}
