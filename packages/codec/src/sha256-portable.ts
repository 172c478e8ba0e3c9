import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256 over the concatenation of `parts` in plain JavaScript (@noble/hashes): any runtime, a browser included. */
export function portableSha256(parts: readonly Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}
