import { describe, expect, it } from 'vitest';
import type { Header, TxBody } from './index.ts';
import {
  blockHash,
  CodecErrorCode,
  decode,
  decodeTx,
  encode,
  MAX_TX_BYTES,
  sha256,
  toHex,
  txId,
  txSignBytes,
  txSignBytesOf,
} from './index.ts';
import { hex, thrown } from './testschema.testutil.ts';

const body: TxBody = {
  chainId: 'baby-1',
  signer: { key: { case: 'ed25519', value: new Uint8Array(32).fill(1) } },
  nonce: 0n,
  fee: 10n,
  memo: '',
  action: { case: 'transfer', value: { to: new Uint8Array(20).fill(2), amount: 5n } },
};

describe('txSignBytes', () => {
  it('is the SignDoc with the babychain/tx/v0 domain around the body', () => {
    const bytes = txSignBytes(body);
    const domain = toHex(new TextEncoder().encode('babychain/tx/v0'));
    const bodyBytes = encode('babychain.v0.TxBody', body);
    expect(toHex(bytes)).toBe(`0a0f${domain}12${bodyBytes.length.toString(16)}${toHex(bodyBytes)}`);
    expect(decode('babychain.v0.SignDoc', bytes)).toEqual({ domain: 'babychain/tx/v0', body });
  });

  it('changes with the chain id', () => {
    expect(txSignBytes({ ...body, chainId: 'baby-2' })).not.toEqual(txSignBytes(body));
  });
});

describe('txSignBytesOf', () => {
  const signed = (b: TxBody | undefined) =>
    encode('babychain.v0.Tx', { body: b, signatures: [{ keyIndex: 0, signature: new Uint8Array(64).fill(9) }] });

  it('equals txSignBytes of the decoded body, for bodies whose length takes one and two varint bytes', () => {
    for (const memo of ['', 'é'.repeat(40), 'x'.repeat(300)]) {
      const bytes = signed({ ...body, memo });
      expect(toHex(txSignBytesOf(bytes))).toBe(toHex(txSignBytes(decodeTx(bytes).body as TxBody)));
    }
  });

  it('refuses bytes that end inside the body with CODEC_TRUNCATED instead of reading past them', () => {
    const bytes = signed(body);
    for (const cut of [bytes.subarray(0, 1), bytes.subarray(0, 10), Uint8Array.of(0x0a, 0x80)]) {
      expect(thrown(() => txSignBytesOf(cut)).code).toBe(CodecErrorCode.TRUNCATED);
    }
  });

  it('gives a transaction without a body the sign document without one', () => {
    expect(toHex(txSignBytesOf(signed(undefined)))).toBe(
      toHex(encode('babychain.v0.SignDoc', { domain: 'babychain/tx/v0' })),
    );
  });
});

describe('txId', () => {
  it('is sha256 of the transaction bytes', () => {
    const bytes = encode('babychain.v0.Tx', { body, signatures: [] });
    expect(txId(bytes)).toEqual(sha256(bytes));
  });
});

describe('blockHash', () => {
  it('is sha256 of the canonical header encoding', () => {
    const header: Header = {
      version: 0,
      chainId: 'baby-1',
      height: 1n,
      timeMs: 1_700_000_000_000n,
      lastBlockHash: new Uint8Array(0),
      lastCommitHash: new Uint8Array(0),
      txRoot: sha256(),
      validatorsHash: new Uint8Array(32).fill(3),
      nextValidatorsHash: new Uint8Array(32).fill(3),
      appHash: new Uint8Array(32).fill(4),
      proposerAddress: new Uint8Array(20).fill(5),
      evidenceHash: new Uint8Array(0),
    };
    expect(blockHash(header)).toEqual(sha256(encode('babychain.v0.Header', header)));
    expect(blockHash({ ...header, height: 2n })).not.toEqual(blockHash(header));
  });
});

describe('decodeTx', () => {
  // Tx { body { memo } }: 1 + 2 (body length) + 1 + 2 (memo length) + memo bytes.
  const txOfSize = (size: number) =>
    encode('babychain.v0.Tx', {
      body: { ...body, chainId: '', signer: undefined, fee: 0n, action: undefined, memo: 'x'.repeat(size - 6) },
      signatures: [],
    });

  it('accepts a transaction of exactly MAX_TX_BYTES', () => {
    const bytes = txOfSize(MAX_TX_BYTES);
    expect(bytes.length).toBe(16384);
    expect(decodeTx(bytes).body?.memo).toHaveLength(16378);
  });

  it('rejects one byte more with TX_TOO_LARGE before parsing', () => {
    expect(thrown(() => decodeTx(txOfSize(MAX_TX_BYTES + 1))).code).toBe('TX_TOO_LARGE');
    expect(thrown(() => decodeTx(new Uint8Array(MAX_TX_BYTES + 1).fill(0xff))).code).toBe('TX_TOO_LARGE');
  });

  it('passes codec errors through', () => {
    expect(thrown(() => decodeTx(hex('0a00 00'))).code).toBe(CodecErrorCode.INVALID_TAG);
  });
});
