import { decode, isBabyError, type TxBody, toHex, txSignBytes } from '@babychain/codec';
import {
  addressFromPublicKey,
  encodeAddress,
  generateKeyPair,
  multisigAddress,
  sortMultisigKeys,
  verify,
} from '@babychain/crypto';
import { thrownCode } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import {
  combineSignatures,
  memberIndex,
  parseFileJson,
  readSignatureFile,
  readUnsignedFile,
  signatureFile,
  unsignedFile,
} from './multisig.ts';
import { signBody, transferBody } from './transfer.ts';

const members = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
const publicKeys = sortMultisigKeys(members.map((m) => m.publicKey));
const seedAt = (i: number) => members.find((m) => m.publicKey === publicKeys[i])?.seed as Uint8Array;
const to = addressFromPublicKey(generateKeyPair().publicKey);

function body(amount = 3_000_000n): TxBody {
  return transferBody({ chainId: 'c-1', signer: { threshold: 2, publicKeys }, to, amount, fee: 500n, nonce: 0n });
}

describe('the unsigned file', () => {
  it('round-trips through JSON with a summary that names the multisig sender and the recipient', () => {
    const file = unsignedFile(body(), 'baby');
    expect(file.summary).toEqual({
      chainId: 'c-1',
      from: encodeAddress(multisigAddress(2, publicKeys), 'baby'),
      action: 'transfer',
      to: encodeAddress(to, 'baby'),
      amount: '3000000',
      fee: '500',
      nonce: '0',
    });
    const read = readUnsignedFile(parseFileJson(JSON.stringify(file)), 'baby');
    expect(toHex(txSignBytes(read))).toBe(toHex(txSignBytes(body())));
  });

  it('refuses a summary that says something else, naming the fields, and text that is not a body', () => {
    const file = unsignedFile(body(), 'baby');
    const lying = { ...file, summary: { ...file.summary, amount: '1' } };
    try {
      readUnsignedFile(lying, 'baby', 'lying.json');
      throw new Error('read');
    } catch (err) {
      if (!isBabyError(err, 'CLIENT_BAD_FILE')) throw err;
      expect(err.message).toMatch(/^lying\.json: the summary does not say what the body does \(amount: /);
      expect(err.meta.fields).toEqual(['amount']);
    }
    expect(thrownCode(() => readUnsignedFile({ body: { chainId: 5 } }, 'baby'))).toBe('CLIENT_BAD_FILE');
    expect(thrownCode(() => parseFileJson('{ not json'))).toBe('CLIENT_BAD_FILE');
    // a bare body, as files were before the summary, is still read
    expect(readUnsignedFile(file.body, 'baby').fee).toBe(500n);
  });
});

describe('signature files and combineSignatures', () => {
  const sign = (i: number, b = body()) => ({ ...signBody(b, seedAt(i), i), source: `sig-${i}.json` });

  it('combines 2 of 3 in any order into a transaction whose signatures verify, ordered by key index', () => {
    const b = body();
    const files = [sign(2), sign(0)].map((s) => readSignatureFile(JSON.parse(JSON.stringify(signatureFile(s)))));
    const tx = decode('babychain.v0.Tx', combineSignatures(b, files));
    expect(tx.signatures.map((s) => s.keyIndex)).toEqual([0, 2]);
    for (const s of tx.signatures) {
      expect(verify(publicKeys[s.keyIndex] as Uint8Array, txSignBytes(b), s.signature)).toBe(true);
    }
  });

  it('refuses too few, duplicates, outsiders and signatures of another body', () => {
    const b = body();
    expect(thrownCode(() => combineSignatures(b, [sign(0)]))).toBe('CLIENT_TOO_FEW_SIGNATURES');
    expect(thrownCode(() => combineSignatures(b, [sign(0), sign(0)]))).toBe('CLIENT_DUPLICATE_SIGNATURE');
    expect(thrownCode(() => combineSignatures(b, [sign(0), { ...sign(1), keyIndex: 3 }]))).toBe('CLIENT_BAD_SIGNATURE');
    // a real member's signature over a different amount
    expect(() => combineSignatures(b, [sign(0), sign(1, body(4n))])).toThrow(
      /^sig-1\.json: the signature does not verify/,
    );
    // a single-key body has no members to combine
    const single = transferBody({
      chainId: 'c-1',
      signer: publicKeys[0] as Uint8Array,
      to,
      amount: 1n,
      fee: 0n,
      nonce: 0n,
    });
    expect(thrownCode(() => combineSignatures(single, [sign(0), sign(1)]))).toBe('CLIENT_WRONG_SIGNER');
  });

  it('reads only { keyIndex, signature } with 128 hex digits', () => {
    const good = signatureFile(sign(1));
    expect(readSignatureFile(good).keyIndex).toBe(1);
    for (const bad of [null, {}, { ...good, keyIndex: -1 }, { ...good, keyIndex: 1.5 }, { ...good, signature: 'ab' }]) {
      expect(thrownCode(() => readSignatureFile(bad))).toBe('CLIENT_BAD_FILE');
    }
  });

  it("finds a member's key index, and refuses a key outside the multisig key", () => {
    expect(memberIndex(body(), publicKeys[2] as Uint8Array)).toBe(2);
    expect(thrownCode(() => memberIndex(body(), generateKeyPair().publicKey))).toBe('CLIENT_NOT_A_MEMBER');
  });
});
