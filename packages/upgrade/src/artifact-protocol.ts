/**
 * The artifact protocol (specs/governance.md LCH-4), apart from its transport: a node answers requests for slices
 * of the verified artifacts under `launcher/artifacts/`, a launcher fetches an artifact chunk by chunk from peers.
 * Both sides take and give bytes only, so the node wires the server into its P2P host and the launcher its client.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact } from '@babychain/codec';
import { BabyError, bytesEqual, decode, encode, isBabyError, toHex } from '@babychain/codec';
import { MAX_ARTIFACT_CHUNK } from './artifact-source.ts';
import { ReleaseErrorCode } from './errors.ts';

/** The P2P host penalises the sender of a request its handler rejects with a `P2P_BAD*` code. */
const BAD_REQUEST = 'P2P_BAD_REQUEST';
/** An ArtifactRequest is 32 + two varints + tags: far below this. */
const MAX_REQUEST_BYTES = 64;
/** Slack over the chunk for the ArtifactChunk's tags and varints. */
export const MAX_ARTIFACT_RESPONSE_BYTES = MAX_ARTIFACT_CHUNK + 64;
export const MAX_ARTIFACT_REQUEST_BYTES = MAX_REQUEST_BYTES;

const EMPTY = encode('babychain.v0.ArtifactChunk', { totalSize: 0n, data: new Uint8Array() });

/**
 * LCH-4, server side: the slice `[offset, offset + length)` of `<artifactsDir>/<sha256 hex>`, shorter at the end of
 * the file. A missing artifact, or an offset at or past its end, answers `total_size` 0 and no data. A malformed
 * request throws `P2P_BAD_REQUEST`.
 */
export async function answerArtifactRequest(artifactsDir: string, request: Uint8Array): Promise<Uint8Array> {
  let req: ReturnType<typeof decodeRequest>;
  try {
    req = decodeRequest(request);
  } catch (err) {
    throw new BabyError(BAD_REQUEST, `malformed ArtifactRequest: ${(err as Error).message}`, { rule: 'LCH-4' });
  }
  if (req.sha256.length !== 32) {
    throw new BabyError(BAD_REQUEST, `an artifact is named by 32 bytes of sha256, not ${req.sha256.length}`, {
      rule: 'LCH-4',
    });
  }
  if (req.length < 1 || req.length > MAX_ARTIFACT_CHUNK) {
    throw new BabyError(BAD_REQUEST, `chunk length ${req.length} is outside 1..${MAX_ARTIFACT_CHUNK}`, {
      rule: 'LCH-4',
    });
  }
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(join(artifactsDir, toHex(req.sha256)), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw err;
  }
  try {
    const size = (await file.stat()).size;
    if (req.offset >= BigInt(size)) return EMPTY;
    const offset = Number(req.offset);
    const data = new Uint8Array(Math.min(req.length, size - offset));
    let filled = 0;
    while (filled < data.length) {
      const { bytesRead } = await file.read(data, filled, data.length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return encode('babychain.v0.ArtifactChunk', { totalSize: BigInt(size), data: data.subarray(0, filled) });
  } finally {
    await file.close();
  }
}

function decodeRequest(bytes: Uint8Array) {
  if (bytes.length > MAX_REQUEST_BYTES) throw new Error(`${bytes.length} bytes`);
  return decode('babychain.v0.ArtifactRequest', bytes);
}

/** Where fetched bytes go; the fetch starts over (reset) for each peer it tries. */
export interface ArtifactSink {
  reset(): Promise<void> | void;
  write(chunk: Uint8Array): Promise<void> | void;
}

export interface PeerFetchFailure {
  readonly peer: string;
  /** a REL_* code when the peer sent other bytes, the transport's code when it failed, "" when it has none */
  readonly code: string;
  readonly message: string;
}

export interface PeerFetchResult {
  /** the peer whose bytes matched the artifact's size and digest; null when none did */
  readonly peer: string | null;
  readonly failures: readonly PeerFetchFailure[];
}

/**
 * Sends one request to one peer and returns its answer (e.g. P2pHost.request on the LCH-4 protocol), giving up
 * after `timeoutMs`: what is left of the source's total deadline (LCH-3), or less.
 */
export type ArtifactRequester = (peer: string, request: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

/**
 * LCH-4, client side: asks the peers in order for `artifact`, chunk by chunk, writing each chunk into `sink`. A
 * peer that fails, does not have it, announces another size, sends a chunk of the wrong length or bytes of another
 * digest, or has not delivered it all within `totalMs` (LCH-3: each peer is one source), is skipped and the sink
 * reset for the next one. Never asks past `artifact.size`. The caller still runs verifyArtifactBytes (REL-5) on
 * what the sink holds: this only picks the source.
 */
export async function fetchArtifactFromPeers(
  request: ArtifactRequester,
  peers: readonly string[],
  artifact: Artifact,
  sink: ArtifactSink,
  totalMs: number,
): Promise<PeerFetchResult> {
  const failures: PeerFetchFailure[] = [];
  for (const peer of peers) {
    await sink.reset();
    try {
      await fetchFrom(request, peer, artifact, sink, Date.now() + totalMs);
      return { peer, failures };
    } catch (err) {
      failures.push({
        peer,
        code: isBabyError(err) ? err.code : '',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
  await sink.reset();
  return { peer: null, failures };
}

async function fetchFrom(
  request: ArtifactRequester,
  peer: string,
  artifact: Artifact,
  sink: ArtifactSink,
  deadline: number,
) {
  const hash = createHash('sha256');
  let offset = 0n;
  while (offset < artifact.size) {
    const timeLeft = deadline - Date.now();
    if (timeLeft <= 0) throw new Error(`the peer sent ${offset} of ${artifact.size} bytes before the deadline`);
    const remaining = artifact.size - offset;
    const length = remaining < BigInt(MAX_ARTIFACT_CHUNK) ? Number(remaining) : MAX_ARTIFACT_CHUNK;
    const answer = await request(
      peer,
      encode('babychain.v0.ArtifactRequest', { sha256: artifact.sha256, offset, length }),
      timeLeft,
    );
    const chunk = decode('babychain.v0.ArtifactChunk', answer, { maxBytes: MAX_ARTIFACT_RESPONSE_BYTES });
    if (chunk.totalSize === 0n) throw new Error('the peer does not have the artifact');
    if (chunk.totalSize !== artifact.size || chunk.data.length !== length) {
      throw new BabyError(
        ReleaseErrorCode.WRONG_SIZE,
        `the peer announces ${chunk.totalSize} bytes and sent ${chunk.data.length} at ${offset}; expected ${artifact.size} and ${length}`,
        { rule: 'REL-5' },
      );
    }
    hash.update(chunk.data);
    await sink.write(chunk.data);
    offset += BigInt(length);
  }
  const digest = new Uint8Array(hash.digest());
  if (!bytesEqual(digest, artifact.sha256)) {
    throw new BabyError(ReleaseErrorCode.DIGEST_MISMATCH, `the peer's bytes hash to ${toHex(digest)}`, {
      rule: 'REL-5',
    });
  }
}
