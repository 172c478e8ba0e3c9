/** Writes that survive a crash at any point: the old content or the new, never a torn file. */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
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

/** Durable replace: temp file, fsync, rename, fsync the directory. */
export function writeFileDurable(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content);
  fsyncPath(tmp);
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}
