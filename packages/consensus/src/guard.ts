/**
 * The double-sign guard (CONS-11): the only way a validator's consensus key signs. It persists the last signed
 * (height, round, step) before a signature leaves it, so that no restart, crash or replay can make the validator
 * sign two different things for one step.
 *
 * File: the canonical encoding of a `babychain.v0.LastSigned`, framed like a WAL record (4-byte big-endian length,
 * 4-byte big-endian CRC-32C, payload). It is replaced atomically: temp file, fsync, rename, fsync of the directory.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LastSigned } from '@babychain/codec';
import { bytesEqual, create, decode, encode } from '@babychain/codec';
import { SEED_LENGTH, sign } from '@babychain/crypto';
import { ConsensusErrorCode, consensusError } from './errors.ts';
import { proposalSignBytes, voteSignBytes } from './signing.ts';
import { Step, type StepValue, VoteType } from './types.ts';
import { frame, readFrame, syncDir, writeAll } from './wal.ts';

const MAX_FILE_PAYLOAD = 4096;
const UINT64_MAX = (1n << 64n) - 1n;
const UINT32_MAX = 0xffffffff;

export interface SignRequest {
  /** Step.PROPOSE (a proposal), Step.PREVOTE or Step.PRECOMMIT (a vote) */
  readonly step: typeof Step.PROPOSE | typeof Step.PREVOTE | typeof Step.PRECOMMIT;
  readonly height: bigint;
  readonly round: number;
  /** empty: a nil vote */
  readonly blockHash: Uint8Array;
  readonly timeMs: bigint;
  /** proposals only: the wire form (0: none, 1 + vr otherwise) */
  readonly polRound?: number;
}

export interface SignResult {
  readonly signature: Uint8Array;
  /** the time the signature covers: the request's, or the stored one when the request repeats the last */
  readonly timeMs: bigint;
}

function corrupt(reason: string, message: string, file: string, cause?: unknown): never {
  throw consensusError(ConsensusErrorCode.GUARD_CORRUPT, message, { reason, file }, cause);
}

function refuse(reason: 'stale' | 'conflict', message: string, req: SignRequest, last: LastSigned): never {
  throw consensusError(ConsensusErrorCode.DOUBLE_SIGN, message, {
    reason,
    height: req.height,
    round: req.round,
    step: req.step,
    lastHeight: last.height,
    lastRound: last.round,
    lastStep: last.step,
  });
}

function checkRequest(req: SignRequest): void {
  const bad = (what: string): never => {
    throw new RangeError(`bad sign request: ${what}`);
  };
  if (req.step !== Step.PROPOSE && req.step !== Step.PREVOTE && req.step !== Step.PRECOMMIT) bad(`step ${req.step}`);
  if (typeof req.height !== 'bigint' || req.height < 1n || req.height > UINT64_MAX) bad(`height ${req.height}`);
  if (!Number.isInteger(req.round) || req.round < 0 || req.round > UINT32_MAX) bad(`round ${req.round}`);
  if (typeof req.timeMs !== 'bigint' || req.timeMs < 0n || req.timeMs > UINT64_MAX) bad(`time ${req.timeMs}`);
  const pol = req.polRound ?? 0;
  if (!Number.isInteger(pol) || pol < 0 || pol > UINT32_MAX) bad(`polRound ${pol}`);
  if (req.step !== Step.PROPOSE && pol !== 0) bad('polRound is for proposals only');
}

export class DoubleSignGuard {
  readonly file: string;
  readonly #seed: Uint8Array;
  readonly #chainId: string;
  #last: LastSigned | undefined;
  /** sign() calls run one after the other */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(file: string, seed: Uint8Array, chainId: string, last: LastSigned | undefined) {
    this.file = file;
    this.#seed = seed;
    this.#chainId = chainId;
    this.#last = last;
  }

  /**
   * Loads the guard's state from `file`. A missing file means nothing was signed yet; a file that cannot be read
   * or decoded throws CONS_GUARD_CORRUPT: the node must not start (an operator decides, the guard never guesses).
   */
  static async open(file: string, seed: Uint8Array, chainId: string): Promise<DoubleSignGuard> {
    if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
      throw new RangeError(`a consensus key seed is ${SEED_LENGTH} bytes`);
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(file);
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') corrupt('io', `cannot read ${file}`, file, err);
    }
    const last = bytes === undefined ? undefined : parseLastSigned(bytes, file);
    return new DoubleSignGuard(file, Uint8Array.from(seed), chainId, last);
  }

  /** The last thing signed, as persisted; undefined before the first signature. */
  get last(): Readonly<LastSigned> | undefined {
    return this.#last;
  }

  /**
   * Signs a proposal (step PROPOSE) or a vote (PREVOTE, PRECOMMIT) unless that could be a double sign:
   * - below the last signed (height, round, step): CONS_DOUBLE_SIGN, reason 'stale';
   * - at it: the stored signature and time when block hash (and polRound) match, a restarted node re-emitting
   *   its vote sends the identical vote; otherwise CONS_DOUBLE_SIGN, reason 'conflict';
   * - above it: signs, and persists the new last-signed state before returning.
   */
  sign(req: SignRequest): Promise<SignResult> {
    const run = this.#tail.then(() => this.#sign(req));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #sign(req: SignRequest): Promise<SignResult> {
    checkRequest(req);
    const polRound = req.polRound ?? 0;
    const last = this.#last;
    if (last !== undefined) {
      const order = compareSigned(req, last);
      if (order < 0) {
        refuse('stale', `(${req.height}, ${req.round}, ${req.step}) is below the last signed step`, req, last);
      }
      if (order === 0) {
        if (bytesEqual(req.blockHash, last.blockHash) && polRound === last.polRound) {
          return { signature: Uint8Array.from(last.signature), timeMs: last.timeMs };
        }
        refuse(
          'conflict',
          `(${req.height}, ${req.round}, ${req.step}) was already signed for another value`,
          req,
          last,
        );
      }
    }
    const fields = { height: req.height, round: req.round, blockHash: req.blockHash, timeMs: req.timeMs };
    const bytes =
      req.step === Step.PROPOSE
        ? proposalSignBytes(this.#chainId, { ...fields, polRound })
        : voteSignBytes(this.#chainId, {
            ...fields,
            type: req.step === Step.PREVOTE ? VoteType.PREVOTE : VoteType.PRECOMMIT,
          });
    const signature = sign(this.#seed, bytes);
    const next = create('babychain.v0.LastSigned', {
      height: req.height,
      round: req.round,
      step: req.step as StepValue,
      blockHash: Uint8Array.from(req.blockHash),
      timeMs: req.timeMs,
      signature,
      polRound,
    });
    await this.#persist(next);
    this.#last = next;
    return { signature: Uint8Array.from(signature), timeMs: req.timeMs };
  }

  async #persist(last: LastSigned): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await writeAll(handle, frame(encode('babychain.v0.LastSigned', last)));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    await syncDir(dirname(this.file));
  }
}

/**
 * CONS-11: the record of a `last_signed` file's bytes; CONS_GUARD_CORRUPT for a bad frame, trailing bytes, a
 * payload that does not decode, a step that is not a signing step, height 0 or a signature that is not 64 bytes.
 */
export function parseLastSigned(bytes: Uint8Array, file: string): LastSigned {
  const f = readFrame(bytes, 0, MAX_FILE_PAYLOAD);
  if (!f.ok) corrupt(f.reason, `${file}: bad frame (${f.reason})`, file);
  if (f.end !== bytes.length) corrupt('trailing', `${file}: ${bytes.length - f.end} bytes after the record`, file);
  let last: LastSigned;
  try {
    last = decode('babychain.v0.LastSigned', f.payload);
  } catch (err: unknown) {
    corrupt('decode', `${file}: the record does not decode`, file, err);
  }
  if (last.step !== Step.PROPOSE && last.step !== Step.PREVOTE && last.step !== Step.PRECOMMIT) {
    corrupt('content', `${file}: step ${last.step} is not a signing step`, file);
  }
  if (last.height < 1n || last.signature.length !== 64) {
    corrupt('content', `${file}: height ${last.height} or signature length ${last.signature.length}`, file);
  }
  return last;
}

/** What CONS-11 orders signatures by. */
export interface SignedStep {
  readonly height: bigint;
  readonly round: number;
  readonly step: number;
}

/**
 * CONS-11's order of signed steps: negative, zero or positive as `a` is below, at or above `b` by (height, round,
 * step). Whoever keeps two guard records (a launcher rolling a release back) keeps the later, never the earlier.
 */
export function compareSigned(a: SignedStep, b: SignedStep): number {
  if (a.height !== b.height) return a.height < b.height ? -1 : 1;
  if (a.round !== b.round) return a.round - b.round;
  return a.step - b.step;
}
