/**
 * REL-6: the byte-exact artifact format. Entries sorted by path, mtime 0, uid/gid 0, empty owner names, mode 0644
 * or 0755, plain ustar headers only; gzip level 9 with header mtime 0 and OS byte 255 (unknown).
 */
import { Buffer } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BabyError, isBabyError } from '@babychain/codec';
import tar from 'tar-stream';
import { CliErrorCode } from '../errors.ts';

export interface PackEntry {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly executable: boolean;
}

/** ustar's name field; longer paths would need a prefix split or a pax header, which REL-6 leaves out. */
const MAX_PATH_BYTES = 100;
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNKNOWN = 255;

/** The artifact bytes of `entries`; the same entries always give the same bytes. */
export async function packArtifact(entries: readonly PackEntry[]): Promise<Uint8Array> {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  let previous: string | undefined;
  for (const e of sorted) {
    if (e.path === previous) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${e.path} is packed twice`);
    previous = e.path;
    if (Buffer.byteLength(e.path) > MAX_PATH_BYTES || e.path.startsWith('/') || e.path.split('/').includes('..')) {
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${e.path} cannot be packed in a plain ustar header`);
    }
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        {
          name: e.path,
          type: 'file',
          size: e.bytes.length,
          mode: e.executable ? 0o755 : 0o644,
          mtime: new Date(0),
          uid: 0,
          gid: 0,
          uname: '',
          gname: '',
        },
        Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.length),
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  pack.finalize();
  await done;
  // zlib writes mtime 0 and no name; only the OS byte says where it ran.
  const gz = gzipSync(Buffer.concat(chunks), { level: 9 });
  gz[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN;
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.length);
}

/** The files of an artifact, in archive order, with their modes. Refuses anything but a gzip'd tar of files. */
export async function readArtifact(bytes: Uint8Array): Promise<{ path: string; bytes: Uint8Array; mode: number }[]> {
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes);
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_ARTIFACT, `not a gzip file (${(err as Error).message})`);
  }
  const extract = tar.extract();
  const files: { path: string; bytes: Uint8Array; mode: number }[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const chunk of entry) parts.push(chunk as Buffer);
      if (entry.header.type === 'file') {
        files.push({
          path: entry.header.name,
          bytes: new Uint8Array(Buffer.concat(parts)),
          mode: entry.header.mode ?? 0,
        });
      } else if (entry.header.type !== 'directory') {
        throw new BabyError(CliErrorCode.BAD_ARTIFACT, `${entry.header.name} is a ${entry.header.type}, not a file`);
      }
    }
  })();
  extract.end(raw);
  try {
    await reading;
  } catch (err) {
    if (isBabyError(err)) throw err;
    throw new BabyError(CliErrorCode.BAD_ARTIFACT, `not a tar archive (${(err as Error).message})`);
  }
  return files;
}
