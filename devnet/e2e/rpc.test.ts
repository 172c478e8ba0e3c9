// The RPC on a 4-validator devnet (specs/rpc.md): a transfer submitted in commit mode moves coins and charges the
// fee; then a long list of bad requests, over REST and JSON-RPC, each answered with its exact code while nothing
// changes (balances, nonces, mempool), also a few blocks later.
import { assembleTx, signBody, signedTransfer, transferBody } from '@babychain/client';
import type { MultisigKey, TxBody } from '@babychain/codec';
import { compareBytes, sha256, toHex } from '@babychain/codec';
import { encodeAddress } from '@babychain/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import {
  all,
  disposeDevnet,
  log,
  logsOnFailure,
  newAccount,
  reach,
  started,
  type TestAccount,
  TRANSFER_FEE,
  tip,
} from './helpers.ts';

const RICH = 10_000_000n;
const POOR = 1_000n;
const AMOUNT = 12_345n;

interface Snapshot {
  readonly accounts: readonly { balance: string; nonce: string }[];
  readonly mempool: { pendingTxs: number; queuedTxs: number; senders: number };
}

describe('RPC on the devnet', () => {
  let devnet: Devnet | undefined;
  let url = '';
  let chainId = '';
  const sender = newAccount();
  const recipient = newAccount();
  const poor = newAccount();

  beforeAll(async () => {
    // Every node checks each successful answer against its schema (an answer that does not fit is RPC_INTERNAL).
    process.env['BABYCHAIN_RPC_CHECK_RESPONSES'] = '1';
    devnet = await started({
      accounts: [
        { address: sender.address, balance: RICH },
        { address: poor.address, balance: POOR },
      ],
    });
    url = devnet.node(0).rpcUrl;
    chainId = devnet.state.chainId;
  }, 60_000);
  afterAll(async () => {
    delete process.env['BABYCHAIN_RPC_CHECK_RESPONSES'];
    await disposeDevnet(devnet);
  }, 30_000);

  // --- HTTP ---------------------------------------------------------------------------------------------------

  async function http(method: 'GET' | 'POST', path: string, body?: string) {
    const init: RequestInit =
      body === undefined ? { method } : { method, body, headers: { 'content-type': 'application/json' } };
    const r = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(40_000) });
    const text = await r.text();
    return { status: r.status, json: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> };
  }
  const rest = async (method: 'GET' | 'POST', path: string, body?: unknown) =>
    http(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  const jsonRpc = async (method: string, params?: unknown) =>
    http('POST', '/', JSON.stringify({ jsonrpc: '2.0', id: 1, method, ...(params === undefined ? {} : { params }) }));

  async function account(a: TestAccount): Promise<{ balance: string; nonce: string }> {
    const r = await rest('GET', `/accounts/${a.address}`);
    expect(r.status).toBe(200);
    return { balance: String(r.json['balance']), nonce: String(r.json['nonce']) };
  }

  async function snapshot(): Promise<Snapshot> {
    const accounts = [];
    for (const a of [sender, recipient, poor]) accounts.push(await account(a));
    const m = (await rest('GET', '/mempool')).json as Snapshot['mempool'];
    return { accounts, mempool: { pendingTxs: m.pendingTxs, queuedTxs: m.queuedTxs, senders: m.senders } };
  }

  // --- transactions -------------------------------------------------------------------------------------------

  const transfer = (over: Partial<Parameters<typeof signedTransfer>[0]> = {}): Uint8Array =>
    signedTransfer({
      chainId,
      seed: sender.seed,
      publicKey: sender.publicKey,
      to: recipient.addressBytes,
      amount: 1_000n,
      fee: TRANSFER_FEE,
      nonce: 1n,
      ...over,
    });

  it('moves coins with submit_tx in commit mode and charges the fee', async () => {
    logsOnFailure(() => devnet);
    const tx = transfer({ amount: AMOUNT, nonce: 0n, memo: 'rpc e2e' });
    const t0 = Date.now();
    const r = await rest('POST', '/txs', { tx: toHex(tx), mode: 'commit' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: toHex(sha256(tx)), index: 0 });
    log('rpc', `commit-mode submission answered after ${Date.now() - t0} ms at height ${String(r.json['height'])}`);

    expect(await account(sender)).toEqual({ balance: String(RICH - AMOUNT - TRANSFER_FEE), nonce: '1' });
    expect(await account(recipient)).toEqual({ balance: String(AMOUNT), nonce: '0' });
    const viaRpc = await jsonRpc('account', { address: sender.address });
    expect(viaRpc.json['result']).toMatchObject({ balance: String(RICH - AMOUNT - TRANSFER_FEE), multisig: null });
    const found = await rest('GET', `/txs/${toHex(sha256(tx))}`);
    expect(found.json).toMatchObject({ height: r.json['height'], sender: sender.address, bytes: toHex(tx) });
    // every node agrees once it has the block
    for (const i of all(devnet as Devnet)) {
      await expect
        .poll(
          async () => (await (await fetch(`${devnet?.node(i).rpcUrl}/accounts/${recipient.address}`)).json()) as object,
          {
            timeout: 10_000,
          },
        )
        .toMatchObject({ balance: String(AMOUNT) });
    }
  }, 60_000);

  it('answers >= 30 bad requests with their exact codes and changes nothing', async () => {
    logsOnFailure(() => devnet);
    const reused = transfer({ nonce: 0n, memo: 'again' });
    const wrongChain = transfer({ chainId: 'other-chain-1' });
    const badSignature = (() => {
      const body: TxBody = transferBody({
        chainId,
        signer: sender.publicKey,
        to: recipient.addressBytes,
        amount: 1_000n,
        fee: TRANSFER_FEE,
        nonce: 1n,
      });
      const other = { ...body, memo: 'signed something else' };
      return assembleTx(body, [signBody(other, sender.seed)]);
    })();
    const noSignature = assembleTx(
      transferBody({
        chainId,
        signer: sender.publicKey,
        to: recipient.addressBytes,
        amount: 1_000n,
        fee: TRANSFER_FEE,
        nonce: 1n,
      }),
      [],
    );
    const lowFee = transfer({ fee: TRANSFER_FEE - 1n });
    const zero = transfer({ amount: 0n });
    const self = transfer({ to: sender.addressBytes });
    const longMemo = transfer({ memo: 'x'.repeat(257) });
    const broke = signedTransfer({
      chainId,
      seed: poor.seed,
      publicKey: poor.publicKey,
      to: recipient.addressBytes,
      amount: POOR,
      fee: TRANSFER_FEE,
      nonce: 0n,
    });
    const stranger = newAccount();
    const unknownSigner = (() => {
      const key: MultisigKey = { threshold: 2, publicKeys: [sender.publicKey, stranger.publicKey].sort(compareBytes) };
      const body = transferBody({
        chainId,
        signer: key,
        to: recipient.addressBytes,
        amount: 1n,
        fee: TRANSFER_FEE,
        nonce: 0n,
      });
      return assembleTx(body, [signBody(body, sender.seed, 0), signBody(body, sender.seed, 5)]);
    })();
    const huge = '00'.repeat(40_000);
    const tooLargeTx = '0a'.repeat(17_000); // 17 000 bytes: over TX-2's 16 KiB, under the 64 KiB body limit
    const otherPrefix = encodeAddress(recipient.addressBytes, 'cosmos');

    type Case = readonly [
      name: string,
      send: () => ReturnType<typeof http>,
      status: number,
      code: string,
      rpcNumber?: number,
    ];
    const cases: Case[] = [
      // REST: malformed bodies
      ['REST body not JSON', () => rest('POST', '/txs', 'not json'), 400, 'RPC_PARSE_ERROR'],
      ['REST tx of the wrong type', () => rest('POST', '/txs', { tx: 5 }), 400, 'RPC_BAD_REQUEST'],
      ['REST missing tx', () => rest('POST', '/txs', { mode: 'sync' }), 400, 'RPC_BAD_REQUEST'],
      ['REST odd-length hex', () => rest('POST', '/txs', { tx: 'abc' }), 400, 'RPC_BAD_REQUEST'],
      ['REST non-hex', () => rest('POST', '/txs', { tx: 'zz' }), 400, 'RPC_BAD_REQUEST'],
      ['REST unknown mode', () => rest('POST', '/txs', { tx: toHex(lowFee), mode: 'later' }), 400, 'RPC_BAD_REQUEST'],
      ['REST unknown field', () => rest('POST', '/txs', { tx: toHex(lowFee), fee: 1 }), 400, 'RPC_BAD_REQUEST'],
      ['REST undecodable tx', () => rest('POST', '/txs', { tx: 'ff' }), 400, 'CODEC_TRUNCATED'],
      ['REST too-large request', () => rest('POST', '/txs', { tx: huge }), 413, 'RPC_TOO_LARGE'],
      ['REST too-large tx', () => rest('POST', '/txs', { tx: tooLargeTx }), 400, 'TX_TOO_LARGE'],
      // REST: rule refusals
      ['REST wrong chain id', () => rest('POST', '/txs', { tx: toHex(wrongChain) }), 400, 'TX_WRONG_CHAIN_ID'],
      ['REST bad signature', () => rest('POST', '/txs', { tx: toHex(badSignature) }), 400, 'TX_BAD_SIGNATURE'],
      ['REST no signature', () => rest('POST', '/txs', { tx: toHex(noSignature) }), 400, 'TX_SIGNATURE_COUNT'],
      [
        'REST unknown multisig signer',
        () => rest('POST', '/txs', { tx: toHex(unknownSigner) }),
        400,
        'TX_UNKNOWN_SIGNER',
      ],
      ['REST reused nonce', () => rest('POST', '/txs', { tx: toHex(reused) }), 400, 'TX_BAD_NONCE'],
      ['REST fee below the minimum', () => rest('POST', '/txs', { tx: toHex(lowFee) }), 400, 'TX_FEE_TOO_LOW'],
      ['REST amount zero', () => rest('POST', '/txs', { tx: toHex(zero) }), 400, 'TX_ZERO_AMOUNT'],
      ['REST transfer to self', () => rest('POST', '/txs', { tx: toHex(self) }), 400, 'TX_SELF_TRANSFER'],
      ['REST memo too long', () => rest('POST', '/txs', { tx: toHex(longMemo) }), 400, 'TX_MEMO_TOO_LONG'],
      ['REST insufficient funds', () => rest('POST', '/txs', { tx: toHex(broke) }), 400, 'TX_INSUFFICIENT_FUNDS'],
      [
        'REST commit mode, bad tx',
        () => rest('POST', '/txs', { tx: toHex(reused), mode: 'commit' }),
        400,
        'TX_BAD_NONCE',
      ],
      [
        'REST check_tx bad signature',
        () => rest('POST', '/txs/check', { tx: toHex(badSignature) }),
        400,
        'TX_BAD_SIGNATURE',
      ],
      ['REST check_tx reused nonce', () => rest('POST', '/txs/check', { tx: toHex(reused) }), 400, 'TX_BAD_NONCE'],
      // REST: queries
      ['REST unknown route', () => rest('GET', '/nope'), 404, 'RPC_NOT_FOUND'],
      ['REST known route, wrong method', () => rest('POST', '/status', {}), 405, 'RPC_METHOD_NOT_ALLOWED'],
      ['REST bad address', () => rest('GET', '/accounts/baby1xyz'), 400, 'CRYPTO_BAD_ADDRESS'],
      ['REST other prefix', () => rest('GET', `/accounts/${otherPrefix}`), 400, 'CRYPTO_WRONG_ADDRESS_PREFIX'],
      ['REST bad height', () => rest('GET', '/blocks/abc'), 400, 'RPC_BAD_REQUEST'],
      ['REST height beyond the tip', () => rest('GET', '/blocks/999999999'), 404, 'RPC_NOT_FOUND'],
      ['REST bad range', () => rest('GET', '/blocks?from=10&to=1'), 400, 'RPC_BAD_REQUEST'],
      ['REST bad tx id', () => rest('GET', '/txs/xyz'), 400, 'RPC_BAD_REQUEST'],
      ['REST unknown tx id', () => rest('GET', `/txs/${'ab'.repeat(32)}`), 404, 'RPC_NOT_FOUND'],
      ['REST bad block hash', () => rest('GET', '/blocks/hash/1234'), 400, 'RPC_BAD_REQUEST'],
      // JSON-RPC
      ['JSON-RPC parse error', () => http('POST', '/', '{"jsonrpc": "2.0",'), 200, 'RPC_PARSE_ERROR', -32700],
      [
        'JSON-RPC invalid request',
        () => http('POST', '/', '{"id": 1, "method": "status"}'),
        200,
        'RPC_INVALID_REQUEST',
        -32600,
      ],
      ['JSON-RPC unknown method', () => jsonRpc('send_coins', {}), 200, 'RPC_UNKNOWN_METHOD', -32601],
      ['JSON-RPC invalid params', () => jsonRpc('submit_tx', { tx: 'abc' }), 200, 'RPC_BAD_REQUEST', -32602],
      ['JSON-RPC missing params', () => jsonRpc('block'), 200, 'RPC_BAD_REQUEST', -32602],
      [
        'JSON-RPC wrong chain id',
        () => jsonRpc('submit_tx', { tx: toHex(wrongChain) }),
        200,
        'TX_WRONG_CHAIN_ID',
        -32000,
      ],
      [
        'JSON-RPC bad signature',
        () => jsonRpc('submit_tx', { tx: toHex(badSignature) }),
        200,
        'TX_BAD_SIGNATURE',
        -32000,
      ],
      [
        'JSON-RPC reused nonce',
        () => jsonRpc('submit_tx', { tx: toHex(reused), mode: 'sync' }),
        200,
        'TX_BAD_NONCE',
        -32000,
      ],
      [
        'JSON-RPC fee below the minimum',
        () => jsonRpc('submit_tx', { tx: toHex(lowFee) }),
        200,
        'TX_FEE_TOO_LOW',
        -32000,
      ],
      [
        'JSON-RPC insufficient funds',
        () => jsonRpc('check_tx', { tx: toHex(broke) }),
        200,
        'TX_INSUFFICIENT_FUNDS',
        -32000,
      ],
      ['JSON-RPC bad address', () => jsonRpc('account', { address: 'baby1xyz' }), 200, 'CRYPTO_BAD_ADDRESS', -32000],
      ['JSON-RPC bad height', () => jsonRpc('block', { height: '-1' }), 200, 'RPC_BAD_REQUEST', -32602],
      ['JSON-RPC unknown tx', () => jsonRpc('tx', { id: 'cd'.repeat(32) }), 200, 'RPC_NOT_FOUND', -32000],
      [
        'JSON-RPC too-large request',
        () => http('POST', '/', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'submit_tx', params: { tx: huge } })),
        413,
        'RPC_TOO_LARGE',
        -32600,
      ],
      [
        'JSON-RPC batch over 20',
        () =>
          http(
            'POST',
            '/',
            JSON.stringify(Array.from({ length: 21 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'status' }))),
          ),
        200,
        'RPC_INVALID_REQUEST',
        -32600,
      ],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(30);

    const before = await snapshot();
    expect(before.mempool).toEqual({ pendingTxs: 0, queuedTxs: 0, senders: 0 });
    const t0 = Date.now();
    for (const [name, send, status, code, rpcNumber] of cases) {
      const r = await send();
      const error = (
        rpcNumber === undefined ? r.json?.['error'] : (r.json?.['error'] as { data?: unknown })?.['data']
      ) as { code?: string } | undefined;
      expect([name, r.status, error?.code]).toEqual([name, status, code]);
      if (rpcNumber !== undefined)
        expect([name, (r.json?.['error'] as { code?: number } | undefined)?.code]).toEqual([name, rpcNumber]);
      expect([name, await snapshot()]).toEqual([name, before]);
    }
    log('rpc', `${cases.length} bad requests answered with their codes in ${Date.now() - t0} ms`);

    // Nothing shows up later either: two more blocks, same balances, nonces and mempool on every node.
    const height = await tip(devnet as Devnet);
    await reach(devnet as Devnet, height + 2, all(devnet as Devnet), 20_000);
    expect(await snapshot()).toEqual(before);
    for (const i of all(devnet as Devnet)) {
      const r = (await (await fetch(`${devnet?.node(i).rpcUrl}/accounts/${sender.address}`)).json()) as object;
      expect(r).toMatchObject(before.accounts[0] as object);
    }
  }, 90_000);
});
