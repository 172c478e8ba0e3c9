import type * as NodeCrypto from 'node:crypto';

type Sha256 = (parts: readonly Uint8Array[]) => Uint8Array;

/**
 * Several parts totalling at most this many bytes are copied into one scratch buffer and hashed in one call: for
 * small inputs that costs less than a Hash object (a Merkle node: ~1.0 µs against ~1.4 µs). Larger ones stream.
 */
const SCRATCH_BYTES = 4096;

/**
 * SHA-256 by node:crypto (OpenSSL) for `hash`: about 0.9 µs for a 150-byte part where @noble/hashes takes 1.45 µs.
 * Results are plain Uint8Arrays (views of the digest's own 32-byte ArrayBuffer), never Buffers.
 */
export function nodeSha256With(crypto: Pick<typeof NodeCrypto, 'createHash' | 'hash'>): Sha256 {
  const scratch = new Uint8Array(SCRATCH_BYTES);
  const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return (parts) => {
    if (parts.length === 1) return plain(crypto.hash('sha256', parts[0] as Uint8Array, 'buffer'));
    let total = 0;
    for (const p of parts) total += p.length;
    if (total <= SCRATCH_BYTES) {
      let offset = 0;
      for (const p of parts) {
        scratch.set(p, offset);
        offset += p.length;
      }
      return plain(crypto.hash('sha256', scratch.subarray(0, total), 'buffer'));
    }
    const h = crypto.createHash('sha256');
    for (const p of parts) h.update(p);
    return plain(h.digest());
  };
}

/**
 * node:crypto where the runtime has it (Node 22.3 and later, or any runtime with `process.getBuiltinModule`), reached
 * through that call rather than an import so that a browser bundle holds no `node:` import and nothing to resolve per
 * platform. Undefined in a browser, where `hash.ts` uses the portable implementation.
 */
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: 'node:crypto') => typeof NodeCrypto | undefined } }
).process?.getBuiltinModule?.('node:crypto');

export const nodeSha256: Sha256 | undefined = nodeCrypto === undefined ? undefined : nodeSha256With(nodeCrypto);
