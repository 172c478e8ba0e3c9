import { decode, encode } from './codec.ts';
import { BabyError, CodecErrorCode, TX_TOO_LARGE } from './errors.ts';
import type { Commit, DuplicateVoteEvidence, Header, Tx, TxBody } from './generated/types.ts';
import { sha256 } from './hash.ts';
import { merkleRoot } from './merkle.ts';

/** TX-2 */
export const MAX_TX_BYTES = 16384;
/** TX-3: the domain string of every transaction's sign document. */
export const TX_SIGN_DOMAIN = 'babychain/tx/v0';

/** TX-3: what every signature of a transaction signs. */
export function txSignBytes(body: TxBody): Uint8Array {
  return encode('babychain.v0.SignDoc', { domain: TX_SIGN_DOMAIN, body });
}

/** `SignDoc`'s field 1 (the domain) followed by field 2's key: everything before the body's length. */
const SIGN_DOC_HEAD = (() => {
  const domain = encode('babychain.v0.SignDoc', { domain: TX_SIGN_DOMAIN });
  const head = new Uint8Array(domain.length + 1);
  head.set(domain);
  head[domain.length] = (2 << 3) | 2;
  return head;
})();
const TX_BODY_KEY = (1 << 3) | 2;

/**
 * TX-3 from a transaction's bytes, `txSignBytes(decodeTx(txBytes).body)` without encoding the body again: canonical
 * bytes hold the body's canonical encoding as Tx's field 1, and SignDoc nests that same encoding as its field 2
 * (specs/transactions.md, TX-3's note). Only for bytes decodeTx accepted; a block of 5,000 transfers saves about
 * 5,000 encodings per node this way.
 */
export function txSignBytesOf(txBytes: Uint8Array): Uint8Array {
  // A canonical Tx without field 1 first has no body; its sign document has none either.
  if (txBytes[0] !== TX_BODY_KEY) return encode('babychain.v0.SignDoc', { domain: TX_SIGN_DOMAIN });
  let length = 0;
  let offset = 1;
  for (let shift = 0; ; shift += 7) {
    const byte = txBytes[offset++];
    if (byte === undefined) throw truncated(txBytes.length);
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (offset + length > txBytes.length) throw truncated(txBytes.length);
  const lengthBytes = offset - 1;
  const out = new Uint8Array(SIGN_DOC_HEAD.length + lengthBytes + length);
  out.set(SIGN_DOC_HEAD);
  out.set(txBytes.subarray(1, offset + length), SIGN_DOC_HEAD.length);
  return out;
}

/** TX-4: sha256 of the canonical Tx encoding (the bytes as received; they are canonical once decodeTx accepted them). */
export function txId(txBytes: Uint8Array): Uint8Array {
  return sha256(txBytes);
}

/** ENC-13: sha256 of the canonical Header encoding. */
export function blockHash(header: Header): Uint8Array {
  return sha256(encode('babychain.v0.Header', header));
}

/** BLK-8: a header's last_commit_hash, sha256 of the canonical Commit encoding. */
export function commitHash(commit: Commit): Uint8Array {
  return sha256(encode('babychain.v0.Commit', commit));
}

/** CONS-13: a block at h carries evidence of heights above h − EVIDENCE_MAX_AGE only; VAL-9 forgets older offences. */
export const EVIDENCE_MAX_AGE = 100n;
/** BLK-11: the most pieces of evidence a block carries; consensus counts them before checking any (CONS-13). */
export const MAX_BLOCK_EVIDENCE = 8;

/** BLK-11: a header's evidence_hash, the Merkle root of the evidence's hashes; empty (absent) when there is none. */
export function evidenceHash(evidence: readonly DuplicateVoteEvidence[]): Uint8Array {
  if (evidence.length === 0) return new Uint8Array(0);
  return merkleRoot(evidence.map((e) => sha256(encode('babychain.v0.DuplicateVoteEvidence', e))));
}

function truncated(size: number): BabyError {
  return new BabyError(CodecErrorCode.TRUNCATED, 'the transaction ends inside its body', {
    type: 'babychain.v0.Tx',
    size,
  });
}

/** TX-2 then TX-1: the size check runs before any parsing, so an oversized input costs nothing to refuse. */
export function decodeTx(bytes: Uint8Array): Tx {
  if (!(bytes instanceof Uint8Array)) {
    throw new BabyError(CodecErrorCode.INVALID_VALUE, 'a transaction is a byte array', {
      type: 'babychain.v0.Tx',
      rule: 'TX-1',
    });
  }
  if (bytes.length > MAX_TX_BYTES) {
    throw new BabyError(TX_TOO_LARGE, `transaction is ${bytes.length} bytes, at most ${MAX_TX_BYTES} allowed`, {
      type: 'babychain.v0.Tx',
      offset: 0,
      rule: 'TX-2',
      size: bytes.length,
    });
  }
  return decode('babychain.v0.Tx', bytes, { maxBytes: MAX_TX_BYTES });
}
