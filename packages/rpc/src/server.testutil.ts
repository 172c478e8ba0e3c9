// The scripted fake node behind a real RPC server, and the REST and JSON-RPC helpers the server tests call it with.
import { BabyError, decodeTx, toHex } from '@babychain/codec';
import { FAKE_TX_SENDER as ADDRESS_A, FakeBackend } from '@babychain/test-utils';
import { afterAll, beforeAll } from 'vitest';
import type { RpcBackend } from './backend.ts';
import type { RpcServer } from './server.ts';
import { startRpcServer } from './server.ts';

export type Body = Record<string, unknown> & {
  error?: { code: string; message: string; meta?: Record<string, unknown> };
};
export type RpcAnswer = {
  jsonrpc: string;
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data: { code: string; meta?: Record<string, unknown> } };
};

/** the address of 20 bytes 0x33 */
export const ADDRESS_MULTI = 'baby1xvenxvenxvenxvenxvenxvenxvenxven69a4wg';

/** The fake node, with the refusals these tests script: a replay, a queued transaction, a low fee, a bad prefix and a crash. */
export class ScriptedBackend extends FakeBackend {
  override submitTx(bytes: Uint8Array): ReturnType<RpcBackend['submitTx']> {
    const nonce = decodeTx(bytes).body?.nonce;
    if (nonce === 99n) {
      // bytes in meta are not a field TX_BAD_NONCE declares: untyped, to show the server writes them as hex
      const meta = { expected: 5n, got: nonce, key: bytes.slice(0, 2) };
      throw new BabyError<string>('TX_BAD_NONCE', 'nonce 99 is a replay', meta);
    }
    const answer = super.submitTx(bytes);
    return nonce === 7n ? { ...answer, status: 'queued' } : answer;
  }

  override async checkTx(bytes: Uint8Array): ReturnType<RpcBackend['checkTx']> {
    const fee = decodeTx(bytes).body?.fee ?? 0n;
    if (fee < 10n) throw new BabyError('TX_FEE_TOO_LOW', `fee ${fee} is below the minimum 10`, { minFee: 10n });
    return super.checkTx(bytes);
  }

  override async account(address: string): ReturnType<RpcBackend['account']> {
    if (!address.startsWith('baby1')) throw new BabyError('ADDR_BAD_PREFIX', 'not a baby address', { address });
    if (address === 'baby1crash') throw new Error('disk on fire');
    return super.account(address);
  }
}

/**
 * Registers the start of a server on a ScriptedBackend (before the tests of the calling file or describe) and its
 * close; returns the fake, the server (its url once started), the warnings it logged, and the helpers that call it,
 * each recording the route it called in `exercised` (`METHOD /openapi/{path}`).
 */
export function scriptedServer() {
  const exercised = new Set<string>();
  const warnings: unknown[] = [];
  // The server is under test, not the rules: its transactions need no keys.
  const fake = new ScriptedBackend({ verify: false });
  let started: RpcServer | undefined;
  const server = {
    get url(): string {
      if (started === undefined) throw new Error('the server starts before the tests');
      return started.url;
    },
  };

  beforeAll(async () => {
    fake.fund(ADDRESS_A, 5n);
    const publicKeys = [1, 2, 3].map((n) => toHex(new Uint8Array(32).fill(n)));
    fake.accounts.set(ADDRESS_MULTI, { balance: 5n, nonce: 0n, multisig: { threshold: 2, publicKeys } });
    started = await startRpcServer({
      host: '127.0.0.1',
      port: 0,
      backend: fake,
      checkResponses: true,
      commitTimeoutMs: 300,
      logger: { debug: () => {}, warn: (msg, ctx, err) => warnings.push({ msg, ctx, err }) },
    });
  });
  afterAll(() => started?.close());

  async function call(method: 'GET' | 'POST', route: string, path: string, body?: string, headers = {}) {
    exercised.add(`${method} ${route}`);
    const init: RequestInit =
      body === undefined ? { method } : { method, body, headers: { 'content-type': 'application/json', ...headers } };
    const r = await fetch(`${server.url}${path}`, init);
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, body: (text === '' ? {} : JSON.parse(text)) as Body };
  }
  const get = (route: string, path = route) => call('GET', route, path);
  const post = (route: string, body: unknown, path = route) =>
    call('POST', route, path, typeof body === 'string' ? body : JSON.stringify(body));
  const rpc = async (body: unknown) => {
    const r = await post('/', body);
    return { status: r.status, answer: r.body as unknown as RpcAnswer, text: r.text };
  };

  return { fake, server, exercised, warnings, call, get, post, rpc };
}

/** A JSON-RPC 2.0 request object. */
export const request = (method: string, params?: unknown, id: unknown = 1) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
});

/** The HTTP status and the error code of a REST answer. */
export const codeOf = (r: { status: number; body: Body }) => [r.status, r.body.error?.code];
