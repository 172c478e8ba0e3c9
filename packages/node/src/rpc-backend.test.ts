import { rmSync } from 'node:fs';
import type { TxBody } from '@babychain/codec';
import { encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import {
  addressFromPublicKey,
  encodeAddress,
  multisigAddress,
  publicKeyFromSeed,
  sign,
  sortMultisigKeys,
} from '@babychain/crypto';
import { FAKE_GOV_RULES, makeValidatorHome } from '@babychain/test-utils';
import { silentLogger } from '@babychain/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BabyNode } from './node.ts';

const CHAIN_ID = 'rpc-test-1';
const seeds = [1, 2, 3].map((n) => new Uint8Array(32).fill(n));
const keys = sortMultisigKeys(seeds.map((s) => publicKeyFromSeed(s)));
const seedOf = (key: Uint8Array) => seeds.find((s) => toHex(publicKeyFromSeed(s)) === toHex(key)) as Uint8Array;
const multisig = multisigAddress(2, keys);
const walletSeed = new Uint8Array(32).fill(9);
const wallet = addressFromPublicKey(publicKeyFromSeed(walletSeed));
const recipient = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(7)));

let home: string;
let node: BabyNode;
let previous: string | undefined;

beforeAll(async () => {
  previous = process.env['BABYCHAIN_RPC_CHECK_RESPONSES'];
  process.env['BABYCHAIN_RPC_CHECK_RESPONSES'] = '1';
  ({ home } = await makeValidatorHome({
    chainId: CHAIN_ID,
    accounts: [
      { address: multisig, balance: 1_000_000n },
      { address: wallet, balance: 1_000_000n },
    ],
    commitWaitMs: 50,
  }));
  node = await BabyNode.open({ home, logger: silentLogger });
}, 30_000);

afterAll(async () => {
  await node?.close();
  if (previous === undefined) delete process.env['BABYCHAIN_RPC_CHECK_RESPONSES'];
  else process.env['BABYCHAIN_RPC_CHECK_RESPONSES'] = previous;
  rmSync(home, { recursive: true, force: true });
});

async function get(path: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${node.rpcUrl}${path}`);
  const body = (await r.json()) as Record<string, unknown>;
  expect([path, r.status, body['error']]).toEqual([path, 200, undefined]);
  return body;
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${node.rpcUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

function multisigTransfer(nonce: bigint): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN_ID,
    signer: { key: { case: 'multisig', value: { threshold: 2, publicKeys: keys } } },
    nonce,
    fee: 500n,
    memo: 'two of three',
    action: { case: 'transfer', value: { to: recipient, amount: 1234n } },
  };
  const signatures = [0, 2].map((keyIndex) => ({
    keyIndex,
    signature: sign(seedOf(keys[keyIndex] as Uint8Array), txSignBytes(body)),
  }));
  return encode('babychain.v0.Tx', { body, signatures });
}

function walletTransfer(nonce: bigint, fee = 500n): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN_ID,
    signer: { key: { case: 'ed25519', value: publicKeyFromSeed(walletSeed) } },
    nonce,
    fee,
    memo: '',
    action: { case: 'transfer', value: { to: recipient, amount: 1n } },
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(walletSeed, txSignBytes(body)) }],
  });
}

describe('createRpcBackend', () => {
  it('answers every method with what the schemas promise, multisig info included', async () => {
    const tx = multisigTransfer(0n);
    const id = toHex(sha256(tx));
    const committed = await post('/txs', { tx: toHex(tx), mode: 'commit' });
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ id, index: 0 });
    const height = String(committed.body['height']);

    const status = await get('/status');
    expect(status).toMatchObject({ chainId: CHAIN_ID, maturity: 'baby', validator: { index: 0 } });
    expect(status['lastBlockTimeMs']).toMatch(/^[1-9][0-9]*$/);

    const found = await get(`/txs/${id}`);
    expect(found).toMatchObject({ id, height, index: 0, sender: encodeAddress(multisig, 'baby'), bytes: toHex(tx) });
    expect(found['tx']).toMatchObject({ body: { memo: 'two of three', signer: { key: { case: 'multisig' } } } });

    const block = await get(`/blocks/${height}`);
    expect(block).toMatchObject({ height, txIds: [id], txs: [toHex(tx)] });
    expect(await get(`/blocks/hash/${String(block['hash'])}`)).toEqual(block);
    expect((await get('/blocks/latest'))['height']).toMatch(/^[1-9][0-9]*$/);
    expect((await get(`/blocks?from=1&to=${height}`))['blocks']).toHaveLength(Number(height));

    const account = await get(`/accounts/${encodeAddress(multisig, 'baby')}`);
    expect(account).toMatchObject({
      balance: String(1_000_000n - 1234n - 500n),
      nonce: '1',
      multisig: { threshold: 2, publicKeys: keys.map(toHex) },
    });
    expect((await get(`/accounts/${encodeAddress(wallet, 'baby')}`))['multisig']).toBeNull();
    expect((await get(`/accounts/${encodeAddress(recipient, 'baby')}`))['multisig']).toBeNull();

    const next = String(BigInt(String(status['height'])) + 1n);
    expect(await get('/validators')).toMatchObject({
      height: next,
      totalPower: '10',
      validators: [{ name: 'solo', power: '10' }],
    });
    // VAL-3: a committed height's set is read back by the hash its header names; above the next height, none
    expect(await get(`/validators?height=${height}`)).toEqual({ ...(await get('/validators')), height });
    expect(await get(`/validators?height=1`)).toMatchObject({ height: '1', validators: [{ name: 'solo' }] });
    const unknown = await fetch(`${node.rpcUrl}/validators?height=${BigInt(next) + 5n}`);
    expect(unknown.status).toBe(404);
    expect(await get('/mempool')).toMatchObject({ pendingTxs: 0 });
    // RPC-18 carries the tally's thresholds; the fake node the client and CLI tests use must answer the same ones
    expect(((await get('/upgrade'))['governance'] as Record<string, unknown>)['rules']).toEqual(FAKE_GOV_RULES);
  }, 20_000);

  it('checks a transaction against the committed state without admitting it', async () => {
    const tx = walletTransfer(0n);
    const checked = await post('/txs/check', { tx: toHex(tx) });
    expect(checked).toEqual({
      status: 200,
      body: {
        id: toHex(sha256(tx)),
        sender: encodeAddress(wallet, 'baby'),
        recipient: encodeAddress(recipient, 'baby'),
        amount: '1',
        fee: '500',
        nonce: '0',
        accountNonce: '0',
        size: tx.length,
      },
    });
    expect((await get('/mempool'))['pendingTxs']).toBe(0);
    const low = await post('/txs/check', { tx: toHex(walletTransfer(0n, 1n)) });
    expect([low.status, (low.body['error'] as { code: string }).code]).toEqual([400, 'TX_FEE_TOO_LOW']);
  });

  it('streams committed blocks to a websocket subscriber', async () => {
    const socket = new WebSocket(`${node.rpcUrl.replace('http', 'ws')}/ws`);
    const messages: { method?: string; params?: Record<string, unknown> }[] = [];
    socket.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { event: 'blocks' } }));
    await expect.poll(() => messages.filter((m) => m.method === 'block').length, { timeout: 10_000 }).toBe(2);
    expect(messages.find((m) => m.method === 'block')?.params).toMatchObject({ txIds: [], subscription: '1' });
    socket.close();
  }, 15_000);

  it("pages an account's transactions by cursor, newest first, losing none between pages (RPC-16)", async () => {
    const sender = encodeAddress(wallet, 'baby');
    const ids: string[] = [];
    // three sent together (usually one block: the state tests pin paging within a height), then two more
    const batch = [0n, 1n, 2n].map((n) => toHex(walletTransfer(n, 600n)));
    expect((await post('/txs/batch', { txs: batch })).status).toBe(200);
    for (const n of [3n, 4n]) await post('/txs', { tx: toHex(walletTransfer(n, 600n)), mode: 'commit' });
    for (const n of [0n, 1n, 2n, 3n, 4n]) ids.push(toHex(sha256(walletTransfer(n, 600n))));

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await get(`/accounts/${sender}/txs?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      const txs = answer['txs'] as { id: string; direction: string; sender: string }[];
      for (const t of txs) expect([t.direction, t.sender]).toEqual(['sent', sender]);
      seen.push(...txs.map((t) => t.id));
      if (answer['next'] === null) break;
      cursor = String(answer['next']);
    }
    expect(seen).toEqual([...ids].reverse());
    const received = await get(`/accounts/${encodeAddress(recipient, 'baby')}/txs?limit=100`);
    expect((received['txs'] as { direction: string }[]).every((t) => t.direction === 'received')).toBe(true);
    expect(received['next']).toBeNull();
    for (const bad of ['limit=0', 'limit=101', 'cursor=abc', 'cursor=1-2-3']) {
      const r = await fetch(`${node.rpcUrl}/accounts/${sender}/txs?${bad}`);
      expect([bad, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([
        bad,
        400,
        'RPC_BAD_REQUEST',
      ]);
    }
  }, 20_000);

  it('counts who signed, missed and proposed the last blocks from the stored commits (RPC-17)', async () => {
    const answer = await get('/validators/signing?blocks=5');
    const [from, to] = [BigInt(String(answer['from'])), BigInt(String(answer['to']))];
    expect(to - from + 1n).toBe(to >= 5n ? 5n : to);
    const n = Number(to - from + 1n);
    expect(answer['validators']).toEqual([
      expect.objectContaining({ name: 'solo', inSet: true, signed: n, missed: 0, proposed: n }),
    ]);
    expect((await fetch(`${node.rpcUrl}/validators/signing?blocks=1001`)).status).toBe(400);
  }, 20_000);
});
