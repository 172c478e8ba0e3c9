import { decode, encode } from './codec.ts';
import { BabyError, CodecErrorCode, TX_TOO_LARGE } from './errors.ts';
import type { Commit, Header, Tx, TxBody } from './generated/types.ts';
import { sha256 } from './hash.ts';

/** TX-2 */
export const MAX_TX_BYTES = 16384;
/** TX-3: the domain string of every transaction's sign document. */
export const TX_SIGN_DOMAIN = 'babychain/tx/v0';

/** TX-3: what every signature of a transaction signs. */
export function txSignBytes(body: TxBody): Uint8Array {
  return encode('babychain.v0.SignDoc', { domain: TX_SIGN_DOMAIN, body });
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
