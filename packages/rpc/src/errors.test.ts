import { describe, expect, it } from 'vitest';
import { httpStatusOf, jsonRpcNumberOf, jsonSafe, RpcErrorCode } from './errors.ts';

describe('error mapping', () => {
  it('gives each RPC code its HTTP status and every rule code 400', () => {
    expect(Object.values(RpcErrorCode).map((c) => [c, httpStatusOf(c)])).toEqual([
      ['RPC_NOT_FOUND', 404],
      ['RPC_METHOD_NOT_ALLOWED', 405],
      ['RPC_TX_DROPPED', 410],
      ['RPC_BAD_REQUEST', 400],
      ['RPC_PARSE_ERROR', 400],
      ['RPC_INVALID_REQUEST', 400],
      ['RPC_UNKNOWN_METHOD', 404],
      ['RPC_TOO_LARGE', 413],
      ['RPC_RATE_LIMITED', 429],
      ['RPC_TIMEOUT', 504],
      ['RPC_INTERNAL', 500],
    ]);
    expect(httpStatusOf('TX_BAD_NONCE')).toBe(400);
    expect(httpStatusOf('MEMPOOL_FULL')).toBe(400);
    expect(httpStatusOf('STATE_CORRUPT')).toBe(500);
  });

  it('gives each code its JSON-RPC error number', () => {
    expect(Object.values(RpcErrorCode).map((c) => [c, jsonRpcNumberOf(c)])).toEqual([
      ['RPC_NOT_FOUND', -32000],
      ['RPC_METHOD_NOT_ALLOWED', -32000],
      ['RPC_TX_DROPPED', -32000],
      ['RPC_BAD_REQUEST', -32602],
      ['RPC_PARSE_ERROR', -32700],
      ['RPC_INVALID_REQUEST', -32600],
      ['RPC_UNKNOWN_METHOD', -32601],
      ['RPC_TOO_LARGE', -32600],
      ['RPC_RATE_LIMITED', -32000],
      ['RPC_TIMEOUT', -32000],
      ['RPC_INTERNAL', -32603],
    ]);
    expect(jsonRpcNumberOf('TX_WRONG_CHAIN_ID')).toBe(-32000);
    expect(jsonRpcNumberOf('NODE_NOT_INITIALISED')).toBe(-32603);
  });

  it('turns error metadata into JSON-safe values', () => {
    const meta = {
      amount: 2n ** 64n - 1n,
      key: Uint8Array.of(0xab, 0x01),
      nested: { list: [1n, undefined, 'x'], fn: () => 1 },
      cause: new Error('inner'),
      nan: Number.NaN,
      gone: undefined,
    };
    expect(jsonSafe(meta)).toEqual({
      amount: '18446744073709551615',
      key: 'ab01',
      nested: { list: ['1', null, 'x'] },
      cause: 'inner',
      nan: 'NaN',
    });
  });
});
