/**
 * The consensus write-ahead log (CONS-10): everything the engine consumed, per height, so that a restarted node
 * replays its own votes and the messages it acted on before it takes part again.
 *
 * Layout: one file per height, `<height zero-padded to 20 digits>.wal`. A file is a sequence of records, each
 * framed as a 4-byte big-endian payload length, a 4-byte big-endian CRC-32C (Castagnoli) of the payload, and the
 * payload: the canonical encoding of a `babychain.v0.WalRecord`.
 *
 * Recovery: a crash mid-append leaves a torn tail. `Wal.open` reads every file up to its first bad record (header
 * or payload past the end of the file, CRC mismatch, zero or oversized length, payload that does not decode),
 * truncates the file there and reports it. A damaged record in the middle of a file is indistinguishable from a
 * torn tail: it and everything after it are dropped. That loses nothing a peer cannot resend, and the node's own
 * signed votes are protected by the double-sign guard, not by the WAL.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MetaOf, WalRecord } from '@babychain/codec';
import { decode, encode } from '@babychain/codec';
import CRC32C from 'crc-32/crc32c.js';
import type { ConsensusError } from './errors.ts';
import { ConsensusErrorCode, consensusError } from './errors.ts';

/** A proposal record carries its block (at most 4 MiB) plus the proposal: 5 MiB leaves room. */
export const MAX_WAL_PAYLOAD = 5 * 1024 * 1024;
export const FRAME_HEADER_BYTES = 8;
const FILE_PATTERN = /^(\d{20})\.wal$/;
const UINT64_MAX = (1n << 64n) - 1n;

/** CRC-32C (Castagnoli) as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  return CRC32C.buf(bytes) >>> 0;
}

/** `length | crc32c | payload`, both header fields big-endian. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32c(payload));
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export type FrameResult =
  | { readonly ok: true; readonly payload: Uint8Array; readonly end: number }
  | { readonly ok: false; readonly reason: 'header' | 'length' | 'payload' | 'crc' };

/** The frame at `offset` of `bytes`, if it is complete and its CRC matches. */
export function readFrame(bytes: Uint8Array, offset: number, maxPayload: number): FrameResult {
  if (offset + FRAME_HEADER_BYTES > bytes.length) return { ok: false, reason: 'header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_HEADER_BYTES);
  const length = view.getUint32(0);
  const crc = view.getUint32(4);
  if (length === 0 || length > maxPayload) return { ok: false, reason: 'length' };
  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) return { ok: false, reason: 'payload' };
  const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32c(payload) !== crc) return { ok: false, reason: 'crc' };
  return { ok: true, payload, end };
}

interface Scan {
  readonly records: WalRecord[];
  /** end of the last good record */
  readonly goodEnd: number;
}

function scan(bytes: Uint8Array): Scan {
  const records: WalRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const f = readFrame(bytes, offset, MAX_WAL_PAYLOAD);
    if (!f.ok) break;
    let record: WalRecord;
    try {
      record = decode('babychain.v0.WalRecord', f.payload, { maxBytes: MAX_WAL_PAYLOAD });
    } catch {
      break;
    }
    if (record.record === undefined) break;
    records.push(record);
    offset = f.end;
  }
  return { records, goodEnd: offset };
}

/** CONS-10: the height a WAL file's name stands for, undefined for a file that is not one. */
export function walFileHeight(name: string): bigint | undefined {
  const m = FILE_PATTERN.exec(name);
  return m === null ? undefined : BigInt(m[1] as string);
}

function fileName(height: bigint): string {
  if (typeof height !== 'bigint' || height < 0n || height > UINT64_MAX) {
    throw new RangeError(`bad WAL height ${String(height)}`);
  }
  return `${height.toString().padStart(20, '0')}.wal`;
}

function walError(
  reason: string,
  message: string,
  meta: Omit<MetaOf<typeof ConsensusErrorCode.WAL_CORRUPT>, 'reason'>,
  cause?: unknown,
): ConsensusError {
  return consensusError(ConsensusErrorCode.WAL_CORRUPT, message, { reason, ...meta }, cause);
}

/** fsync a directory, so that a file created, renamed or deleted in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at the handle's position (append mode: at the end). */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
}

export interface WalRepair {
  /** path of the repaired file */
  readonly file: string;
  /** intact records left in it */
  readonly keptRecords: number;
  /** bytes cut from its end */
  readonly droppedBytes: number;
}

export interface WalOpenResult {
  readonly wal: Wal;
  /** files whose torn tail was cut off */
  readonly repaired: readonly WalRepair[];
}

export interface AppendOptions {
  /** resolve only once the record is on disk (fdatasync) */
  readonly sync?: boolean;
}

export class Wal {
  readonly dir: string;
  #handle: FileHandle | undefined;
  #handleHeight: bigint | undefined;
  /** every operation runs after the previous one settled: appends never interleave */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens (creating if needed) the WAL in `dir`, cutting the torn tail of every file. */
  static async open(dir: string): Promise<WalOpenResult> {
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined) await syncDir(dirname(created));
    const repaired: WalRepair[] = [];
    const names = (await readdir(dir)).filter((n) => FILE_PATTERN.test(n)).sort();
    for (const name of names) {
      const file = join(dir, name);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err: unknown) {
        throw walError('io', `cannot read WAL file ${file}`, { file }, err);
      }
      const { records, goodEnd } = scan(bytes);
      if (goodEnd === bytes.length) continue;
      const handle = await open(file, 'r+');
      try {
        await handle.truncate(goodEnd);
        await handle.sync();
      } finally {
        await handle.close();
      }
      repaired.push({ file, keptRecords: records.length, droppedBytes: bytes.length - goodEnd });
    }
    return { wal: new Wal(dir), repaired };
  }

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#closed) throw consensusError(ConsensusErrorCode.WAL_CLOSED, 'the WAL is closed', {});
      return op();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Path of the file of `height`. */
  fileOf(height: bigint): string {
    return join(this.dir, fileName(height));
  }

  /**
   * Appends `record` to the file of `height`. With `sync`, resolves only once it is on disk: the engine logs its
   * own votes this way before broadcasting them.
   */
  async append(height: bigint, record: WalRecord, options: AppendOptions = {}): Promise<void> {
    // Everything up to #enqueue runs synchronously, so records are written in call order.
    if (record.record === undefined) {
      throw walError('empty', 'a WAL record must hold a proposal, a vote or a timeout', {});
    }
    const payload = encode('babychain.v0.WalRecord', record);
    if (payload.length > MAX_WAL_PAYLOAD) {
      throw walError('too-large', `a WAL record of ${payload.length} bytes exceeds ${MAX_WAL_PAYLOAD}`, {
        bytes: payload.length,
      });
    }
    const bytes = frame(payload);
    const name = fileName(height);
    return this.#enqueue(async () => {
      const handle = await this.#handleFor(height, name);
      await writeAll(handle, bytes);
      if (options.sync === true) await handle.datasync();
    });
  }

  async #handleFor(height: bigint, name: string): Promise<FileHandle> {
    if (this.#handle !== undefined && this.#handleHeight === height) return this.#handle;
    await this.#closeHandle();
    const file = join(this.dir, name);
    let handle: FileHandle;
    try {
      handle = await open(file, 'ax');
      await syncDir(this.dir);
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      handle = await open(file, 'a');
    }
    this.#handle = handle;
    this.#handleHeight = height;
    return handle;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#handleHeight = undefined;
    if (handle !== undefined) await handle.close();
  }

  /** The intact records of `height`, in order (none when it has no file). */
  read(height: bigint): Promise<WalRecord[]> {
    const file = join(this.dir, fileName(height));
    return this.#enqueue(async () => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err: unknown) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return scan(bytes).records;
    });
  }

  /** The heights that have a file, ascending. */
  heights(): Promise<bigint[]> {
    return this.#enqueue(async () =>
      (await readdir(this.dir))
        .map((n) => FILE_PATTERN.exec(n)?.[1])
        .filter((h): h is string => h !== undefined)
        .sort()
        .map((h) => BigInt(h)),
    );
  }

  /** Deletes the files of every height below `belowHeight`. */
  prune(belowHeight: bigint): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#handleHeight !== undefined && this.#handleHeight < belowHeight) await this.#closeHandle();
      let removed = 0;
      for (const name of await readdir(this.dir)) {
        const m = FILE_PATTERN.exec(name);
        if (m === null || BigInt(m[1] as string) >= belowHeight) continue;
        await unlink(join(this.dir, name));
        removed++;
      }
      if (removed > 0) await syncDir(this.dir);
    });
  }

  /** Waits for pending operations and closes the open file. Later calls fail with CONS_WAL_CLOSED. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closing = this.#enqueue(async () => {
      this.#closed = true;
      await this.#closeHandle();
    });
    return this.#closing;
  }
}
