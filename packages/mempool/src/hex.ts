import { hash } from 'node:crypto';

// Map keys are hex strings; the id is node:crypto's one-shot hash of one buffer.

/** The transaction id (TX-4: SHA-256 of the encoding) as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}
