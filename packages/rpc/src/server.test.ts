import { BabyError } from '@babychain/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcBackend } from './backend.ts';
import type { RpcServer } from './server.ts';
import { startRpcServer } from './server.ts';

const submitted: Uint8Array[] = [];
let denied: readonly string[] | undefined;
const backend: RpcBackend = {
  status: () => ({ height: '7' }),
  blocks: async (from, to) => [{ height: String(from) }, { height: String(to) }],
  block: async (h) => (h === 1n ? { height: '1' } : undefined),
  tx: async (id) =>
    id.startsWith('aa') ? { id, height: '3', index: 0 } : id.startsWith('bb') ? { pending: true } : undefined,
  submitTx: (bytes) => {
    if (bytes[0] === 0xff) throw new BabyError('TX_BAD_NONCE', 'nonce reused');
    submitted.push(bytes);
    return { id: 'x', status: 'pending' };
  },
  account: async (address) => {
    if (!address.startsWith('baby1')) throw new BabyError('ADDR_BAD_PREFIX', 'not a baby address');
    return { address, balance: '5', nonce: '0', height: '7' };
  },
  metrics: async () => 'babychain_height 7\n',
  setDenylist: (ids) => {
    denied = ids;
  },
};

let server: RpcServer;
beforeAll(async () => {
  server = await startRpcServer({ host: '127.0.0.1', port: 0, backend });
});
afterAll(() => server.close());

const get = async (path: string) => {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { error?: { code: string } } };
};
const post = async (path: string, body: string) => {
  const r = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { error?: { code: string } } };
};

describe('startRpcServer', () => {
  it('serves status and committed blocks by height and range', async () => {
    expect((await get('/status')).body).toEqual({ height: '7' });
    expect((await get('/blocks/1')).body).toEqual({ height: '1' });
    expect((await get('/blocks?from=2&to=4')).body).toEqual({ blocks: [{ height: '2' }, { height: '4' }] });
  });

  it('answers RPC_NOT_FOUND for a missing block, an unknown or uncommitted tx and an unknown route', async () => {
    for (const path of ['/blocks/2', `/txs/${'cc'.repeat(32)}`, `/txs/${'bb'.repeat(32)}`, '/nope']) {
      const r = await get(path);
      expect([r.status, r.body.error?.code]).toEqual([404, 'RPC_NOT_FOUND']);
    }
    expect((await get(`/txs/${'aa'.repeat(32)}`)).body['height']).toBe('3');
  });

  it('answers RPC_BAD_REQUEST for malformed heights, ranges and ids', async () => {
    for (const path of ['/blocks/-1', '/blocks/01', '/blocks?from=5&to=1', '/blocks?from=1&to=5000', '/txs/zz']) {
      const r = await get(path);
      expect([path, r.status, r.body.error?.code]).toEqual([path, 400, 'RPC_BAD_REQUEST']);
    }
  });

  it('submits a transaction and passes the rule code of a refused one through', async () => {
    expect((await post('/txs', JSON.stringify({ tx: '0a00' }))).body).toEqual({ id: 'x', status: 'pending' });
    expect(submitted.at(-1)).toEqual(Uint8Array.of(0x0a, 0x00));
    const refused = await post('/txs', JSON.stringify({ tx: 'ff' }));
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'TX_BAD_NONCE']);
  });

  it('refuses a malformed submission body and one over the size limit', async () => {
    for (const body of ['{"tx": 5}', '{"tx": "abc"}', '{}', 'not json']) {
      expect((await post('/txs', body)).status).toBe(400);
    }
    const huge = await post('/txs', JSON.stringify({ tx: '00'.repeat(40_000) }));
    expect(huge.status).toBe(413);
  });

  it('passes an address error code through', async () => {
    const r = await get('/accounts/cosmos1xyz');
    expect([r.status, r.body.error?.code]).toEqual([400, 'ADDR_BAD_PREFIX']);
    expect((await get('/accounts/baby1abc')).body['balance']).toBe('5');
  });

  it('serves Prometheus text and the devnet denylist', async () => {
    const r = await fetch(`${server.url}/metrics`);
    expect(await r.text()).toContain('babychain_height 7');
    expect((await post('/admin/denylist', JSON.stringify({ peerIds: ['p1'] }))).body).toEqual({ ok: true });
    expect(denied).toEqual(['p1']);
    expect((await post('/admin/denylist', JSON.stringify({ peerIds: 'p1' }))).status).toBe(400);
  });
});
