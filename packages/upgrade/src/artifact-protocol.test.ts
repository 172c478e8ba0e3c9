import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Artifact, decode, encode, isBabyError, sha256, toHex } from '@babychain/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { answerArtifactRequest, fetchArtifactFromPeers } from './artifact-protocol.ts';
import { MAX_ARTIFACT_CHUNK } from './artifact-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'artifact-protocol-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two and a half chunks, so the fetch needs three requests and a short last one.
const bytes = new Uint8Array(MAX_ARTIFACT_CHUNK * 2 + MAX_ARTIFACT_CHUNK / 2).map((_, i) => (i * 7) & 0xff);
const artifact: Artifact = {
  platform: 'linux-x64',
  sha256: sha256(bytes),
  size: BigInt(bytes.length),
  unpackedSize: BigInt(bytes.length),
};
writeFileSync(join(dir, toHex(artifact.sha256)), bytes);

function request(sha: Uint8Array, offset: bigint, length: number): Uint8Array {
  return encode('babychain.v0.ArtifactRequest', { sha256: sha, offset, length });
}

function collector() {
  let parts: Uint8Array[] = [];
  return {
    sink: {
      reset: () => {
        parts = [];
      },
      write: (c: Uint8Array) => {
        parts.push(c);
      },
    },
    bytes: () => Buffer.concat(parts),
  };
}

describe('answerArtifactRequest', () => {
  it('answers a slice and the total size of a stored artifact', async () => {
    const answer = decode(
      'babychain.v0.ArtifactChunk',
      await answerArtifactRequest(dir, request(artifact.sha256, 10n, 100)),
    );
    expect(answer.totalSize).toBe(artifact.size);
    expect(answer.data).toEqual(bytes.subarray(10, 110));
  });

  it('answers an empty chunk with total size 0 for an artifact it does not have', async () => {
    const answer = decode(
      'babychain.v0.ArtifactChunk',
      await answerArtifactRequest(dir, request(new Uint8Array(32), 0n, 100)),
    );
    expect(answer).toEqual({ totalSize: 0n, data: new Uint8Array() });
  });

  it('rejects a malformed digest or a chunk over 1 MiB as a bad request', async () => {
    for (const bad of [
      request(new Uint8Array(31), 0n, 10),
      request(artifact.sha256, 0n, MAX_ARTIFACT_CHUNK + 1),
      request(artifact.sha256, 0n, 0),
    ]) {
      const err = await answerArtifactRequest(dir, bad).catch((e: unknown) => e);
      expect(isBabyError(err, 'P2P_BAD_REQUEST')).toBe(true);
    }
  });
});

describe('fetchArtifactFromPeers', () => {
  const honest = (_peer: string, req: Uint8Array) => answerArtifactRequest(dir, req);

  it('fetches an artifact chunk by chunk, never past its size', async () => {
    const asked: bigint[] = [];
    const c = collector();
    const result = await fetchArtifactFromPeers(
      (peer, req) => {
        const r = decode('babychain.v0.ArtifactRequest', req);
        asked.push(r.offset + BigInt(r.length));
        return honest(peer, req);
      },
      ['a'],
      artifact,
      c.sink,
      60_000,
    );
    expect(result).toEqual({ peer: 'a', failures: [] });
    expect(c.bytes()).toEqual(Buffer.from(bytes));
    expect(asked).toHaveLength(3);
    expect(asked.every((end) => end <= artifact.size)).toBe(true);
  });

  it('skips a peer without it, a failing peer and a lying peer, and starts over on the next', async () => {
    const c = collector();
    const result = await fetchArtifactFromPeers(
      async (peer, req) => {
        if (peer === 'empty') return answerArtifactRequest(join(dir, 'nowhere'), req);
        if (peer === 'down') throw new Error('connection refused');
        if (peer === 'liar') {
          const chunk = decode('babychain.v0.ArtifactChunk', await honest(peer, req));
          chunk.data = chunk.data.map((b) => b ^ 1);
          return encode('babychain.v0.ArtifactChunk', chunk);
        }
        return honest(peer, req);
      },
      ['empty', 'down', 'liar', 'good'],
      artifact,
      c.sink,
      60_000,
    );
    expect(result.peer).toBe('good');
    expect(result.failures.map((f) => [f.peer, f.code])).toEqual([
      ['empty', ''],
      ['down', ''],
      ['liar', 'REL_DIGEST_MISMATCH'],
    ]);
    expect(c.bytes()).toEqual(Buffer.from(bytes));
  });

  it('reports no peer when none has the right bytes', async () => {
    const c = collector();
    const wrongSize = { ...artifact, size: artifact.size - 1n };
    const result = await fetchArtifactFromPeers(honest, ['a'], wrongSize, c.sink, 60_000);
    expect(result.peer).toBeNull();
    expect(result.failures[0]?.code).toBe('REL_WRONG_SIZE');
    expect(c.bytes().length).toBe(0);
  });

  it('LCH-3: abandons a peer that trickles past the total deadline, passing each request only the time left', async () => {
    const c = collector();
    const timeouts: number[] = [];
    const started = Date.now();
    const result = await fetchArtifactFromPeers(
      async (peer, req, timeoutMs) => {
        if (peer === 'slow') {
          timeouts.push(timeoutMs);
          // Each chunk answered after 200 ms: three chunks would take 600 ms, the deadline is 300 ms.
          await new Promise((resolve) => setTimeout(resolve, Math.min(200, timeoutMs)));
        }
        return honest(peer, req);
      },
      ['slow', 'fast'],
      artifact,
      c.sink,
      300,
    );
    expect(result.peer).toBe('fast');
    expect(result.failures.map((f) => f.peer)).toEqual(['slow']);
    expect(result.failures[0]?.message).toMatch(/before the deadline/);
    expect(timeouts[0]).toBeLessThanOrEqual(300);
    expect(timeouts[1]).toBeLessThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(c.bytes()).toEqual(Buffer.from(bytes));
  });
});
