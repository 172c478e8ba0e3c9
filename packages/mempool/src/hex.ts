import { hash } from 'node:crypto';

// Map keys are hex strings. codec's toHex builds them by concatenation, a rope V8 must flatten before hashing it as
// a key; Buffer's hex is flat from the start. The id is node:crypto's one-shot hash of one buffer.

/** Lowercase hex, the same string codec's toHex gives. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The transaction id (TX-4: SHA-256 of the encoding) as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}
