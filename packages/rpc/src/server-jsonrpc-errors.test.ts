// JSON-RPC 2.0 at POST / (RPC-11): its error answers (RPC-14), from a parse error to an oversized batch.
import { toHex } from '@babychain/codec';
import { fakeTx } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH } from './jsonrpc.ts';
import { type RpcAnswer, request, scriptedServer } from './server.testutil.ts';

const { rpc } = scriptedServer();

describe('JSON-RPC 2.0 at POST /', () => {
  it('answers a parse error with -32700 and id null', async () => {
    for (const body of ['not json', '{"jsonrpc": "2.0", "method": "status"', '']) {
      const { status, answer } = await rpc(body);
      expect([body, status, answer]).toEqual([
        body,
        200,
        {
          jsonrpc: '2.0',
          id: null,
          error: { code: -32700, message: 'the body is not valid JSON', data: { code: 'RPC_PARSE_ERROR' } },
        },
      ]);
    }
  });

  it('answers an invalid request with -32600 and RPC_INVALID_REQUEST', async () => {
    const cases: [unknown, unknown][] = [
      [5, null],
      ['"status"', null],
      [{ id: 1, method: 'status' }, 1],
      [{ jsonrpc: '1.0', id: 2, method: 'status' }, 2],
      [{ jsonrpc: '2.0', id: 3, method: 7 }, 3],
      [{ jsonrpc: '2.0', id: 4, method: 'status', params: 'x' }, 4],
      [{ jsonrpc: '2.0', id: { a: 1 }, method: 'status' }, null],
      [[], null],
    ];
    for (const [body, id] of cases) {
      const { answer } = await rpc(typeof body === 'string' ? body : JSON.stringify(body));
      expect([body, answer.id, answer.error?.code, answer.error?.data.code]).toEqual([
        body,
        id,
        -32600,
        'RPC_INVALID_REQUEST',
      ]);
    }
  });

  it('answers an unknown method with -32601 and RPC_UNKNOWN_METHOD', async () => {
    for (const method of ['nope', 'subscribe', '__proto__', 'toString']) {
      const { answer } = await rpc(request(method, {}, 9));
      expect(answer.id).toBe(9);
      expect(answer.error).toMatchObject({ code: -32601, data: { code: 'RPC_UNKNOWN_METHOD', meta: { method } } });
    }
  });

  it('answers invalid params with -32602 and RPC_BAD_REQUEST', async () => {
    const cases: [string, unknown][] = [
      ['block', { height: 'abc' }],
      ['block', {}],
      ['block', ['1']],
      ['tx', undefined],
      ['tx', { id: 'zz' }],
      ['status', { verbose: true }],
      ['blocks', { from: '5', to: '1' }],
      ['blocks', { from: 1, to: 2 }],
      ['submit_tx', { tx: 'abc' }],
      ['submit_tx', { tx: '00', mode: 'now' }],
      ['account', { address: 5 }],
    ];
    for (const [method, params] of cases) {
      const { answer } = await rpc(request(method, params));
      expect([method, params, answer.error?.code, answer.error?.data.code]).toEqual([
        method,
        params,
        -32602,
        'RPC_BAD_REQUEST',
      ]);
    }
  });

  it("answers a rule's refusal with -32000 and the rule code in data.code", async () => {
    const refused = await rpc(request('submit_tx', { tx: toHex(fakeTx(99n)) }, 'x'));
    expect(refused.answer).toEqual({
      jsonrpc: '2.0',
      id: 'x',
      error: {
        code: -32000,
        message: 'nonce 99 is a replay',
        data: { code: 'TX_BAD_NONCE', meta: { expected: '5', got: '99', key: toHex(fakeTx(99n).slice(0, 2)) } },
      },
    });
    const notFound = await rpc(request('block', { height: '999' }));
    expect(notFound.answer.error).toMatchObject({ code: -32000, data: { code: 'RPC_NOT_FOUND' } });
    const address = await rpc(request('account', { address: 'cosmos1x' }));
    expect(address.answer.error).toMatchObject({ code: -32000, data: { code: 'ADDR_BAD_PREFIX' } });
    const internal = await rpc(request('account', { address: 'baby1crash' }));
    expect(internal.answer.error).toMatchObject({ code: -32603, data: { code: 'RPC_INTERNAL' } });
  });

  it(`refuses a batch of more than ${MAX_BATCH} requests`, async () => {
    const ok = await rpc(Array.from({ length: MAX_BATCH }, (_, i) => request('mempool', undefined, i)));
    expect((ok.answer as unknown as RpcAnswer[]).length).toBe(MAX_BATCH);
    const big = await rpc(Array.from({ length: MAX_BATCH + 1 }, (_, i) => request('mempool', undefined, i)));
    expect(big.answer.error).toMatchObject({ code: -32600, data: { code: 'RPC_INVALID_REQUEST', meta: { max: 20 } } });
  });

  it('refuses a body over 64 KiB with HTTP 413 and a JSON-RPC error', async () => {
    const { status, answer } = await rpc(request('submit_tx', { tx: '00'.repeat(40_000) }));
    expect(status).toBe(413);
    expect(answer.error).toMatchObject({ code: -32600, data: { code: 'RPC_TOO_LARGE' } });
  });
});
