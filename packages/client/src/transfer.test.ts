import { decode, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, generateKeyPair, sortMultisigKeys, verify } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { assembleTx, signBody, signedTransfer, transferBody } from './transfer.ts';

const alice = generateKeyPair();
const to = addressFromPublicKey(generateKeyPair().publicKey);

describe('signedTransfer', () => {
  it('produces a transaction whose signature verifies over the sign document', () => {
    const bytes = signedTransfer({
      chainId: 'c-1',
      seed: alice.seed,
      publicKey: alice.publicKey,
      to,
      amount: 5n,
      fee: 1n,
      nonce: 7n,
    });
    const tx = decode('babychain.v0.Tx', bytes);
    expect(tx.body?.nonce).toBe(7n);
    expect(tx.body?.action).toEqual({ case: 'transfer', value: { to, amount: 5n } });
    const body = tx.body;
    if (body === undefined) throw new Error('no body');
    expect(verify(alice.publicKey, txSignBytes(body), tx.signatures[0]?.signature ?? new Uint8Array())).toBe(true);
  });
});

describe('assembleTx', () => {
  it('orders multisig signatures by key index whatever order they were collected in', () => {
    const members = [alice, generateKeyPair(), generateKeyPair()];
    const publicKeys = sortMultisigKeys(members.map((m) => m.publicKey));
    const seedAt = (i: number) => members.find((m) => m.publicKey === publicKeys[i])?.seed as Uint8Array;
    const body = transferBody({
      chainId: 'c-1',
      signer: { threshold: 2, publicKeys },
      to,
      amount: 1n,
      fee: 0n,
      nonce: 0n,
    });
    const bytes = assembleTx(body, [signBody(body, seedAt(2), 2), signBody(body, seedAt(0), 0)]);
    const tx = decode('babychain.v0.Tx', bytes);
    expect(tx.signatures.map((s) => s.keyIndex)).toEqual([0, 2]);
    expect(
      tx.signatures.map((s) => verify(publicKeys[s.keyIndex] as Uint8Array, txSignBytes(body), s.signature)),
    ).toEqual([true, true]);
  });
});
