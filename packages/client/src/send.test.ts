import { BabyError, decode, fromHex, toHex, txId, txSignBytes } from '@babychain/codec';
import {
  addressFromPublicKey,
  encodeAddress,
  generateKeyPair,
  publicKeyFromSeed,
  sortMultisigKeys,
  verify,
} from '@babychain/crypto';
import { type FakeHandler, FakeNode, fakeStatus, rpcError } from '@babychain/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BabyClient } from './client.ts';
import { addressPrefix, sendTransfer } from './send.ts';
import { assembleTx, bodyFromJson, bodyToJson, signBody, signedTransfer, transferBody } from './transfer.ts';

const seed = new Uint8Array(32).fill(42);
const publicKey = publicKeyFromSeed(seed);
const from = encodeAddress(addressFromPublicKey(publicKey), 'tbaby');
const toBytes = addressFromPublicKey(generateKeyPair().publicKey);
const to = encodeAddress(toBytes, 'tbaby');

/** A fake node on chain `c-9` where `from` has nonce 11; it records submitted transactions and commits them. */
function chain(): { handler: FakeHandler; submitted: Uint8Array[] } {
  const submitted: Uint8Array[] = [];
  const committed = new Set<string>();
  let polls = 0;
  const handler: FakeHandler = (r) => {
    if (r.path === `/accounts/${from}`) {
      return { json: { address: from, balance: '9000', nonce: '11', height: '20', multisig: null } };
    }
    if (r.method === 'POST' && r.path === '/txs') {
      const body = r.body as { tx: string; mode: string };
      const bytes = fromHex(body.tx);
      submitted.push(bytes);
      const id = toHex(txId(bytes));
      if (body.mode === 'commit') return { json: { id, height: '21', index: 0 } };
      committed.add(id);
      return { json: { id, status: 'pending' } };
    }
    const id = r.path.slice('/txs/'.length);
    if (committed.has(id) && ++polls > 1) {
      return {
        json: { id, height: '21', index: 2, sender: from, tx: {}, bytes: toHex(submitted.at(-1) as Uint8Array) },
      };
    }
    return rpcError(404, 'RPC_NOT_FOUND', 'not committed yet', { pending: true });
  };
  return { handler, submitted };
}

const fullStatus = fakeStatus({ chainId: 'c-9', moniker: 'm', version: 'v', nodeId: 'n', height: '20' });

describe('sendTransfer', () => {
  let node: FakeNode;
  let submitted: Uint8Array[];

  beforeEach(async () => {
    const c = chain();
    submitted = c.submitted;
    node = await new FakeNode({ handler: (r) => (r.path === '/status' ? { json: fullStatus } : c.handler(r)) }).start();
  });
  afterEach(() => node.close());

  it("signs with the node's chain id and the account's nonce, submits, and waits for inclusion", async () => {
    const client = new BabyClient({ url: node.url });
    const progress: number[] = [];
    const result = await sendTransfer(client, {
      seed,
      to,
      amount: 1234n,
      memo: 'rent',
      onProgress: (ms) => progress.push(ms),
    });
    expect(result).toEqual({
      id: toHex(txId(submitted[0] as Uint8Array)),
      height: 21n,
      index: 2,
      fee: 500n,
      nonce: 11n,
    });
    expect(progress.length).toBeGreaterThan(0);
    expect(
      node.requests
        .map((r) => `${r.method} ${r.path}`)
        .slice(0, 3)
        .sort(),
    ).toEqual([`GET /accounts/${from}`, 'GET /status', 'POST /txs']);

    const tx = decode('babychain.v0.Tx', submitted[0] as Uint8Array);
    const body = tx.body;
    if (body === undefined) throw new Error('no body');
    expect(body.chainId).toBe('c-9');
    expect(body.nonce).toBe(11n);
    expect(body.fee).toBe(500n);
    expect(body.memo).toBe('rent');
    expect(body.signer?.key).toEqual({ case: 'ed25519', value: publicKey });
    expect(body.action).toEqual({ case: 'transfer', value: { to: toBytes, amount: 1234n } });
    expect(tx.signatures).toHaveLength(1);
    expect(verify(publicKey, txSignBytes(body), tx.signatures[0]?.signature as Uint8Array)).toBe(true);
    // The same bytes as building it by hand: signatures are deterministic.
    expect(submitted[0]).toEqual(
      signedTransfer({
        chainId: 'c-9',
        seed,
        publicKey,
        to: toBytes,
        amount: 1234n,
        fee: 500n,
        nonce: 11n,
        memo: 'rent',
      }),
    );
  });

  it('uses a given nonce and fee without reading the account, and returns at once when not waiting', async () => {
    const client = new BabyClient({ url: node.url });
    const result = await sendTransfer(client, { seed, to, amount: 1n, fee: 700n, nonce: 40n, wait: false });
    expect(result).toEqual({ id: toHex(txId(submitted[0] as Uint8Array)), fee: 700n, nonce: 40n });
    expect(node.requests.map((r) => r.path)).toEqual(['/status', '/txs']);
  });

  it('in commit mode takes the place from the submit answer', async () => {
    const client = new BabyClient({ url: node.url });
    const result = await sendTransfer(client, { seed, to, amount: 1n, mode: 'commit' });
    expect(result.height).toBe(21n);
    expect(node.requests.filter((r) => r.path.startsWith('/txs/'))).toEqual([]);
  });

  it("passes the node's refusal through with its code", async () => {
    const inner = node.handler;
    node.handler = (r) => (r.path === '/txs' ? rpcError(400, 'TX_INSUFFICIENT_FUNDS', 'balance too low') : inner(r));
    const client = new BabyClient({ url: node.url });
    const err = await sendTransfer(client, { seed, to, amount: 10_000_000n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BabyError);
    expect((err as BabyError).code).toBe('TX_INSUFFICIENT_FUNDS');
  });

  it('refuses a recipient that is not a bech32m address', async () => {
    const client = new BabyClient({ url: node.url });
    const err = await sendTransfer(client, { seed, to: 'not-an-address', amount: 1n }).catch((e: unknown) => e);
    expect((err as BabyError).code).toBe('CRYPTO_BAD_ADDRESS');
    expect(node.requests).toEqual([]);
  });
});

describe('addressPrefix', () => {
  it('is the part before the last 1', () => {
    expect(addressPrefix(to)).toBe('tbaby');
    expect(addressPrefix('nope')).toBe('');
  });
});

describe('bodyToJson', () => {
  it('round-trips a multisig body through canonical JSON, so members can sign offline', () => {
    const members = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
    const publicKeys = sortMultisigKeys(members.map((m) => m.publicKey));
    const body = transferBody({
      chainId: 'c-9',
      signer: { threshold: 2, publicKeys },
      to: toBytes,
      amount: 2n ** 63n,
      fee: 500n,
      nonce: 0n,
      memo: 'multisig',
    });
    const json = JSON.parse(JSON.stringify(bodyToJson(body))) as unknown;
    expect(json).toMatchObject({ chainId: 'c-9', nonce: '0', fee: '500', memo: 'multisig' }); // uint64 as decimal
    const back = bodyFromJson(json);
    expect(back).toEqual(body);
    const seedOf = (i: number) => members.find((m) => m.publicKey === publicKeys[i])?.seed as Uint8Array;
    const sigs = [signBody(back, seedOf(1), 1), signBody(bodyFromJson(json), seedOf(0), 0)];
    expect(assembleTx(back, sigs)).toEqual(assembleTx(body, sigs));
  });

  it('rejects JSON that is not a canonical body', () => {
    expect(() => bodyFromJson({ fee: 'lots' })).toThrow(BabyError);
    expect(() => bodyFromJson({ bogus: 1 })).toThrow(BabyError);
  });
});
