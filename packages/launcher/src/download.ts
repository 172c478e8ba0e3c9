/**
 * Getting an artifact's bytes (LCH-3, LCH-5): the plan's URLs in order, then peers by content hash. Every source
 * writes `downloads/<hex>.partial` from scratch, capped at the manifest's size; only bytes that pass REL-5 are
 * fsynced and renamed into `artifacts/<hex>`, the directory fsynced after.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact } from '@babychain/codec';
import { BabyError, bytesEqual, isBabyError, toHex } from '@babychain/codec';
import {
  type ArtifactRequester,
  artifactUrl,
  fetchArtifactFromPeers,
  ReleaseErrorCode,
  verifyArtifactBytes,
} from '@babychain/upgrade';
import type { Logger } from '@babychain/util';
import { fsyncPath } from '@babychain/util';
import { LauncherErrorCode, launcherError, type SourceFailure } from './errors.ts';
import type { LauncherPaths } from './layout.ts';

export interface PeerSource {
  readonly request: ArtifactRequester;
  readonly peers: readonly string[];
  close(): Promise<void>;
}

export interface DownloadRequest {
  readonly paths: LauncherPaths;
  readonly artifact: Artifact;
  /** the plan's URL templates, `{sha256}` replaced by the digest */
  readonly urls: readonly string[];
  /** LCH-9: the file an operator registered for the plan (add-upgrade), tried first when it exists */
  readonly added?: string;
  readonly fetch: typeof fetch;
  /** opened only when no URL delivered the artifact, asking each chunk within `idleMs`; undefined: no peer */
  readonly peers: (idleMs: number) => Promise<PeerSource | undefined>;
  readonly log: Logger;
  /** LCH-3: each source's idle and total deadlines */
  readonly deadlines: { readonly idleMs: number; readonly totalMs: number };
  /** ends the download (the launcher stops) */
  readonly signal?: AbortSignal;
}

/**
 * Path of the verified artifact under `artifacts/`. Throws the REL_* code of the last source whose bytes failed
 * REL-5 when some did, LCH_DOWNLOAD_FAILED when no source answered.
 */
export async function obtainArtifact(req: DownloadRequest): Promise<string> {
  const { paths, artifact, log } = req;
  const hex = toHex(artifact.sha256);
  const final = join(paths.artifacts, hex);
  if (existsSync(final)) {
    try {
      verifyArtifactBytes(readFileSync(final), artifact);
      return final;
    } catch (err) {
      log.warn(`artifacts/${hex} does not verify; fetching it again`, { err: (err as Error).message });
      rmSync(final, { force: true });
    }
  }
  const partial = join(paths.downloads, `${hex}.partial`);
  const failures: SourceFailure[] = [];
  const attempt = async (source: string, fill: () => Promise<void>): Promise<boolean> => {
    rmSync(partial, { force: true });
    try {
      await fill();
      verifyArtifactBytes(readFileSync(partial), artifact);
      return true;
    } catch (err) {
      const failure = {
        source,
        code: isBabyError(err) ? err.code : LauncherErrorCode.DOWNLOAD_FAILED,
        message: (err as Error).message,
      };
      failures.push(failure);
      log.warn(`artifact source skipped: ${failure.code} ${failure.message}`, { source, code: failure.code });
      rmSync(partial, { force: true });
      return false;
    }
  };

  let done = false;
  // LCH-9: a registered file goes through the same partial file and REL-5 check as a download, and nothing else.
  const added = req.added;
  if (added !== undefined && existsSync(added)) {
    done = await attempt(`added ${added}`, async () => copyFileSync(added, partial));
    if (done) log.info(`artifact ${hex} taken from the file registered with add-upgrade`, { path: added });
  }
  for (const template of done ? [] : req.urls) {
    const url = artifactUrl(template, artifact.sha256);
    done = await attempt(url, () => downloadUrl(req.fetch, url, partial, artifact.size, req.deadlines, req.signal));
    if (done || req.signal?.aborted === true) break;
  }
  if (!done && req.signal?.aborted !== true) done = await fromPeers(req, partial, failures);
  if (!done) throw downloadFailure(hex, failures, added);
  fsyncPath(partial);
  renameSync(partial, final);
  fsyncPath(paths.artifacts);
  log.info(`artifact ${hex} verified and stored`, { sha256: hex, size: artifact.size.toString() });
  return final;
}

async function fromPeers(req: DownloadRequest, partial: string, failures: SourceFailure[]): Promise<boolean> {
  let source: PeerSource | undefined;
  try {
    source = await req.peers(req.deadlines.idleMs);
  } catch (err) {
    failures.push({ source: 'peers', code: isBabyError(err) ? err.code : '', message: (err as Error).message });
    return false;
  }
  if (source === undefined || source.peers.length === 0) {
    failures.push({ source: 'peers', code: LauncherErrorCode.DOWNLOAD_FAILED, message: 'no peer is connected' });
    await source?.close();
    return false;
  }
  let file: FileHandle | undefined;
  try {
    const sink = {
      reset: async () => {
        await file?.close();
        file = await open(partial, 'w');
      },
      write: async (chunk: Uint8Array) => {
        if (req.signal?.aborted === true) throw new Error('the launcher stops');
        await file?.write(chunk);
      },
    };
    const result = await fetchArtifactFromPeers(
      source.request,
      source.peers,
      req.artifact,
      sink,
      req.deadlines.totalMs,
    );
    await file?.sync();
    for (const f of result.failures) {
      failures.push({
        source: `peer ${f.peer}`,
        code: f.code || LauncherErrorCode.DOWNLOAD_FAILED,
        message: f.message,
      });
      req.log.warn(`artifact source skipped: ${f.code} ${f.message}`, { source: f.peer, code: f.code });
    }
    if (result.peer !== null) {
      verifyArtifactBytes(readFileSync(partial), req.artifact);
      req.log.info(`artifact fetched from peer ${result.peer}`, { peer: result.peer });
      return true;
    }
  } catch (err) {
    failures.push({ source: 'peers', code: isBabyError(err) ? err.code : '', message: (err as Error).message });
  } finally {
    await file?.close();
    await source.close();
  }
  rmSync(partial, { force: true });
  return false;
}

/** Streams `url` into `partial` (downloads/<hex>.partial), fsynced. */
async function downloadUrl(
  fetchFn: typeof fetch,
  url: string,
  partial: string,
  size: bigint,
  deadlines: DownloadRequest['deadlines'],
  signal: AbortSignal | undefined,
): Promise<void> {
  const file = await open(partial, 'w');
  try {
    await streamUrl(
      fetchFn,
      url,
      size,
      deadlines,
      async (chunk) => {
        await file.write(chunk);
      },
      signal,
    );
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * LCH-3 for a URL, without keeping the bytes: that `url` delivers `artifact` (size, then SHA-256, REL-5) within the
 * deadlines. What `baby gov propose upgrade` checks of each URL before a plan is proposed.
 */
export async function checkSource(
  fetchFn: typeof fetch,
  url: string,
  artifact: Artifact,
  deadlines: DownloadRequest['deadlines'],
): Promise<void> {
  const hash = createHash('sha256');
  const got = await streamUrl(fetchFn, url, artifact.size, deadlines, (chunk) => {
    hash.update(chunk);
  });
  if (got !== artifact.size) {
    throw new BabyError(ReleaseErrorCode.WRONG_SIZE, `${url} sent ${got} bytes, the manifest says ${artifact.size}`, {
      rule: 'REL-5',
      url,
    });
  }
  const digest = new Uint8Array(hash.digest());
  if (!bytesEqual(digest, artifact.sha256)) {
    throw new BabyError(ReleaseErrorCode.DIGEST_MISMATCH, `${url} sent bytes that hash to ${toHex(digest)}`, {
      rule: 'REL-5',
      url,
    });
  }
}

/**
 * Streams `url` into `onChunk`, cutting it off the moment it exceeds `size` (REL-5), stalls for `idleMs` or is not
 * complete within `totalMs` (LCH-3: a trickle never stalls, so only the total deadline stops it). Resolves with the
 * byte count; a full disk is LCH_DISK_FULL, any other failure LCH_DOWNLOAD_FAILED.
 */
async function streamUrl(
  fetchFn: typeof fetch,
  url: string,
  size: bigint,
  deadlines: DownloadRequest['deadlines'],
  onChunk: (chunk: Uint8Array) => Promise<void> | void,
  stop?: AbortSignal,
): Promise<bigint> {
  const { idleMs, totalMs } = deadlines;
  const controller = new AbortController();
  const onStop = () => controller.abort(new Error('the launcher stops'));
  stop?.addEventListener('abort', onStop, { once: true });
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
  const total = setTimeout(() => controller.abort(new Error(`not complete within ${totalMs} ms`)), totalMs);
  try {
    const res = await fetchFn(url, { signal: controller.signal });
    if (!res.ok || res.body === null)
      throw launcherError(LauncherErrorCode.DOWNLOAD_FAILED, `${url}: HTTP ${res.status}`);
    const declared = res.headers.get('content-length');
    if (declared !== null && /^[0-9]+$/.test(declared) && BigInt(declared) > size) {
      throw tooLarge(BigInt(declared), size);
    }
    let received = 0n;
    for await (const chunk of res.body) {
      received += BigInt(chunk.length);
      if (received > size) throw tooLarge(received, size);
      await onChunk(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
    }
    return received;
  } catch (err) {
    controller.abort();
    if (isBabyError(err)) throw err;
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno === 'ENOSPC' || errno === 'EDQUOT') {
      throw launcherError(LauncherErrorCode.DISK_FULL, `no room for the download: ${(err as Error).message}`, {
        errno,
      });
    }
    const cause = (err as Error).cause;
    const detail = cause instanceof Error ? ` (${cause.message})` : '';
    throw launcherError(LauncherErrorCode.DOWNLOAD_FAILED, `${url}: ${(err as Error).message}${detail}`);
  } finally {
    clearTimeout(timer);
    clearTimeout(total);
    stop?.removeEventListener('abort', onStop);
  }
}

function tooLarge(got: bigint, size: bigint): BabyError {
  return new BabyError(
    ReleaseErrorCode.WRONG_SIZE,
    `the download passed ${got} bytes, the manifest says ${size}; stopped`,
    { rule: 'REL-5', size: got.toString(), expected: size.toString() },
  );
}

function downloadFailure(hex: string, failures: readonly SourceFailure[], added?: string): BabyError {
  const message = failures.map((f) => `${f.source}: ${f.code} ${f.message}`).join('; ');
  // The operator's own file failing the checks is what they must hear about first, whatever the network did.
  const own = added === undefined ? undefined : failures.find((f) => f.source === `added ${added}`);
  if (added !== undefined && own?.code.startsWith('REL_') === true) {
    const others = failures
      .filter((f) => f !== own)
      .map((f) => `${f.source}: ${f.code} ${f.message}`)
      .join('; ');
    return launcherError(
      LauncherErrorCode.ADDED_UPGRADE_REFUSED,
      `the artifact registered with add-upgrade (${added}) is not the plan's artifact ${hex}: ${own.code} ${own.message}; no other source delivered it: ${others}`,
      { reason: own.code, path: added, sources: failures },
    );
  }
  const refused =
    failures.findLast((f) => f.code.startsWith('REL_')) ??
    failures.findLast((f) => f.code === LauncherErrorCode.DISK_FULL);
  if (refused !== undefined) {
    return new BabyError(refused.code, `no source delivered artifact ${hex}: ${message}`, { sources: failures });
  }
  return launcherError(LauncherErrorCode.DOWNLOAD_FAILED, `no source delivered artifact ${hex}: ${message}`, {
    sources: failures,
  });
}
