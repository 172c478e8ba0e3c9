import type { Signature, TxBody } from '@babychain/codec';
import { BabyError, decode, encode, sha256, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, generateKeyPair, sign, sortMultisigKeys } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import type { Governance } from './governance.ts';
import { rulesFor } from './rules.ts';
import { checkAction, checkTxBytes } from './stateless.ts';

const CHAIN = 'babychain-test-1';
const alice = generateKeyPair();
const bob = generateKeyPair();
const carol = generateKeyPair();

function transfer(over: { amount?: bigint } = {}): TxBody {
  return {
    chainId: CHAIN,
    signer: { key: { case: 'ed25519', value: alice.publicKey } },
    nonce: 0n,
    fee: 1n,
    memo: '',
    action: { case: 'transfer', value: { to: addressFromPublicKey(bob.publicKey), amount: over.amount ?? 10n } },
  };
}

const signBody = (body: TxBody, seed: Uint8Array, keyIndex = 0): Signature => ({
  keyIndex,
  signature: sign(seed, txSignBytes(body)),
});
const assembleTx = (body: TxBody, signatures: Signature[]) => encode('babychain.v0.Tx', { body, signatures });

function rejection(bytes: Uint8Array, chainId = CHAIN): BabyError {
  try {
    checkTxBytes(bytes, chainId);
  } catch (err) {
    if (err instanceof BabyError) return err;
    throw err;
  }
  throw new Error('transaction was accepted');
}

describe('checkTxBytes', () => {
  it('accepts a signed transfer and returns its id and sender', () => {
    const body = transfer();
    const bytes = assembleTx(body, [signBody(body, alice.seed)]);
    const checked = checkTxBytes(bytes, CHAIN);
    expect(checked.id).toEqual(sha256(bytes));
    expect(checked.sender).toEqual(addressFromPublicKey(alice.publicKey));
  });

  it('names the rule and the expected chain when the chain id is wrong', () => {
    const body = transfer();
    const err = rejection(assembleTx(body, [signBody(body, alice.seed)]), 'babychain-other');
    expect(err.code).toBe('TX_WRONG_CHAIN_ID');
    expect(err.meta).toMatchObject({ rule: 'TX-5', expected: 'babychain-other', got: CHAIN });
  });

  it("reports which multisig member's signature failed, and why", () => {
    const publicKeys = sortMultisigKeys([alice.publicKey, bob.publicKey, carol.publicKey]);
    const seedOf = (pk: Uint8Array) => [alice, bob, carol].find((k) => k.publicKey === pk)?.seed as Uint8Array;
    const body = { ...transfer(), signer: { key: { case: 'multisig' as const, value: { threshold: 2, publicKeys } } } };
    const other = { ...body, nonce: 9n };
    const sigs = [
      signBody(body, seedOf(publicKeys[0] as Uint8Array), 0),
      signBody(other, seedOf(publicKeys[2] as Uint8Array), 2),
    ];
    const err = rejection(assembleTx(body, sigs));
    expect(err.code).toBe('TX_BAD_SIGNATURE');
    expect(err.meta).toMatchObject({ keyIndex: 2, reason: 'SIG_MISMATCH' });
  });

  it('checks signatures last, so a malformed transfer is reported as such even when unsigned', () => {
    const body = transfer({ amount: 0n });
    expect(rejection(encode('babychain.v0.Tx', { body, signatures: [] })).code).toBe('TX_ZERO_AMOUNT');
  });

  it('rejects a transaction whose signed body was altered after signing', () => {
    const body = transfer();
    const tx = decode('babychain.v0.Tx', assembleTx(body, [signBody(body, alice.seed)]));
    const tampered = { ...tx, body: { ...body, fee: 0n } };
    expect(rejection(encode('babychain.v0.Tx', tampered)).code).toBe('TX_BAD_SIGNATURE');
  });

  it('applies TX-9 and TX-10 to transfers only, and still verifies the signatures of any action', () => {
    const vote: TxBody = { ...transfer(), action: { case: 'vote', value: { proposalId: 1n, option: 1 } } };
    expect(checkTxBytes(assembleTx(vote, [signBody(vote, alice.seed)]), CHAIN).sender).toEqual(
      addressFromPublicKey(alice.publicKey),
    );
    expect(rejection(assembleTx(vote, [signBody(transfer(), alice.seed)])).code).toBe('TX_BAD_SIGNATURE');
    const zero = transfer({ amount: 0n });
    expect(rejection(assembleTx(zero, [signBody(zero, alice.seed)])).code).toBe('TX_ZERO_AMOUNT');
  });
});

describe('checkTxBytes under ChainRules', () => {
  const withMemo = (memo: string) => {
    const body = { ...transfer(), memo };
    return assembleTx(body, [signBody(body, alice.seed)]);
  };

  it("counts a memo's UTF-8 bytes against app version 0's limit of 256 by default (TX-8)", () => {
    expect(checkTxBytes(withMemo('é'.repeat(128)), CHAIN).sender).toEqual(addressFromPublicKey(alice.publicKey));
    const err = rejection(withMemo(`${'é'.repeat(128)}x`));
    expect(err.code).toBe('TX_MEMO_TOO_LONG');
    expect(err.meta).toMatchObject({ rule: 'TX-8', limit: 256 });
  });

  it('accepts a memo up to the limit of the rules it is given, and refuses one above it', () => {
    const long = withMemo('m'.repeat(300));
    const wide = { maxMemoBytes: 512 };
    expect(checkTxBytes(long, CHAIN, sha256(long), wide).id).toEqual(sha256(long));
    expect(() => checkTxBytes(withMemo('m'.repeat(513)), CHAIN, undefined, wide)).toThrow(
      expect.objectContaining({ code: 'TX_MEMO_TOO_LONG', meta: expect.objectContaining({ limit: 512 }) }),
    );
    expect(() => checkTxBytes(withMemo('m'.repeat(11)), CHAIN, undefined, { maxMemoBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'TX_MEMO_TOO_LONG' }),
    );
  });
});

describe('rulesFor', () => {
  it("keeps app version 0's rules, which every release re-executes the first blocks under", () => {
    expect(rulesFor(0)).toEqual({ maxMemoBytes: 256 });
  });
});

describe('checkAction', () => {
  const vote: TxBody = { ...transfer(), action: { case: 'vote', value: { proposalId: 1n, option: 1 } } };
  const checked: string[] = [];
  const governance = {
    actions: new Set(['vote']),
    checkAction: (body: TxBody) => checked.push(String(body.action?.case)),
  } as unknown as Governance;

  it('passes transfers, hands other actions to the governance, refuses what nobody executes (TX-13)', () => {
    checkAction({ body: transfer(), signatures: [] }, undefined);
    checkAction({ body: vote, signatures: [] }, governance);
    expect(checked).toEqual(['vote']);
    const ready: TxBody = { ...vote, action: { case: 'signalReady', value: { planName: 'p' } } };
    for (const [body, gov] of [
      [vote, undefined],
      [ready, governance],
    ] as const) {
      expect(() => checkAction({ body, signatures: [] }, gov)).toThrow(
        expect.objectContaining({ code: 'TX_UNSUPPORTED_ACTION', meta: expect.objectContaining({ rule: 'TX-13' }) }),
      );
    }
  });
});
