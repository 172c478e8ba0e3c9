import { FakeBackend } from '@babychain/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOf, DEFAULT_RPC_LIMITS, RequestBudget } from './guard.ts';
import type { RpcServer, RpcServerOptions } from './server.ts';
import { startRpcServer } from './server.ts';

/** Budget windows are aligned to the clock: an hour, so that no test straddles one by chance. */
const WINDOW_MS = 3_600_000;

const servers: RpcServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<RpcServerOptions> = {}): Promise<RpcServer> {
  const server = await startRpcServer({ host: '127.0.0.1', port: 0, backend: new FakeBackend(), ...options });
  servers.push(server);
  return server;
}

describe('rate limit', () => {
  it('defaults to the limits RPC-10 names', () => {
    expect(DEFAULT_RPC_LIMITS).toEqual({
      rateLimit: { max: 600, windowMs: 10_000 },
      maxConnections: 1024,
      maxConnectionsPerClient: 64,
      maxInFlightPerConnection: 8,
      maxAnswerBytes: 4 * 1024 * 1024,
      maxBufferedBytes: 4 * 1024 * 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      refusalDelayMs: 1000,
    });
  });

  it('answers the request past the limit with 429 RPC_RATE_LIMITED naming the window, on every route', async () => {
    const server = await serve({ limits: { rateLimit: { max: 5, windowMs: WINDOW_MS } } });
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/status`)).status).toBe(200);
    const sixth = await fetch(`${server.url}/status`);
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const body = (await sixth.json()) as { error: { code: string; message: string; meta: Record<string, unknown> } };
    expect(body.error.code).toBe('RPC_RATE_LIMITED');
    expect(body.error.message).toMatch(/^at most 5 requests per 3600 s from one client .* the window turns in /);
    expect(body.error.meta).toMatchObject({ max: 5, windowMs: WINDOW_MS });

    const rpc = await fetch(`${server.url}/`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status' }),
    });
    expect(rpc.status).toBe(429);
    expect(await rpc.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { data: { code: 'RPC_RATE_LIMITED' } } });
    const unknown = await fetch(`${server.url}/nope`);
    expect(unknown.status).toBe(429);
  });

  it('counts each client window on its own: a new window admits requests again', async () => {
    const server = await serve({ limits: { rateLimit: { max: 2, windowMs: 300 } } });
    expect((await fetch(`${server.url}/mempool`)).status).toBe(200);
    expect((await fetch(`${server.url}/mempool`)).status).toBe(200);
    expect((await fetch(`${server.url}/mempool`)).status).toBe(429);
    await expect
      .poll(async () => (await fetch(`${server.url}/mempool`)).status, { timeout: 3000, interval: 100 })
      .toBe(200);
  });
});

describe('CORS', () => {
  const origin = 'https://wallet.example';

  it('is off by default: no CORS headers and no preflight route', async () => {
    const server = await serve();
    const r = await fetch(`${server.url}/status`, { headers: { origin } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/txs`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const server = await serve({ cors: { origins: [origin] } });
    const r = await fetch(`${server.url}/status`, { headers: { origin } });
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    const preflight = await fetch(`${server.url}/txs`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await fetch(`${server.url}/status`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stays off for an empty origin list', async () => {
    const server = await serve({ cors: { origins: [] } });
    const r = await fetch(`${server.url}/status`, { headers: { origin } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('bind', () => {
  it('listens on the host it is given and reports it in its url', async () => {
    const server = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('observer', () => {
  it('is told each answered request by route pattern and status, and each limit hit by route', async () => {
    const requests: [string, number][] = [];
    const hits: [string, string][] = [];
    const server = await serve({
      limits: { rateLimit: { max: 3, windowMs: WINDOW_MS } },
      observer: {
        request: (route, status, seconds) => {
          expect(seconds).toBeGreaterThanOrEqual(0);
          requests.push([route, status]);
        },
        limitHit: (route, limit) => hits.push([route, limit]),
      },
    });
    await fetch(`${server.url}/blocks/1`);
    await fetch(`${server.url}/no/such/route`);
    await fetch(`${server.url}/status`);
    expect((await fetch(`${server.url}/status`)).status).toBe(429);
    expect(requests).toEqual([
      ['/blocks/:height', 200],
      ['unmatched', 404],
      ['/status', 200],
      ['/status', 429],
    ]);
    expect(hits).toEqual([['/status', 'rate']]);
  });
});

describe('cost', () => {
  it('charges a blocks call one request per 10 heights, over REST and JSON-RPC alike (RPC-10)', async () => {
    const server = await serve({ limits: { rateLimit: { max: 150, windowMs: WINDOW_MS } } });
    // 100 requests: a full range of 1000 heights
    expect((await fetch(`${server.url}/blocks?from=1&to=1000`)).status).toBe(200);
    // 1 + 100 more would pass 150: refused before it runs, with the window named
    const second = await fetch(`${server.url}/blocks?from=1&to=1000`);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    // the refused call took its budget too (101 more): 201 used, everything is refused for the window
    const rpc = await fetch(`${server.url}/`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'blocks', params: { from: '1', to: '5' } }),
    });
    expect(rpc.status).toBe(429);

    const other = await serve({ limits: { rateLimit: { max: 25, windowMs: WINDOW_MS } } });
    const call = (id: number, to: string) => ({ jsonrpc: '2.0', id, method: 'blocks', params: { from: '1', to } });
    const batch = await fetch(`${other.url}/`, {
      method: 'POST',
      // 1 request (10 heights), 2 (11 heights), 30 (300 heights): the third passes 25, and the fourth finds none left
      body: JSON.stringify([call(1, '10'), call(2, '11'), call(3, '300'), call(4, '1')]),
    });
    const answers = (await batch.json()) as { id: number; error?: { data?: { code: string } } }[];
    expect(answers.map((a) => [a.id, a.error?.data?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'RPC_RATE_LIMITED'],
      [4, 'RPC_RATE_LIMITED'],
    ]);
  });
});

describe('clients', () => {
  it('counts an IPv6 address as its /64 and an IPv4-mapped one as the IPv4 address', () => {
    expect(
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::7', '2001:0db8:0001:0002:aaaa::1', '::1', 'fe80::1'].map(clientOf),
    ).toEqual(['2001:db8:1:2::/64', '2001:db8:1:2::/64', '2001:db8:1:2::/64', '0:0:0:0::/64', 'fe80:0:0:0::/64']);
    expect(['::ffff:10.0.0.1', '10.0.0.1'].map(clientOf)).toEqual(['10.0.0.1', '10.0.0.1']);
  });

  it('gives one budget to the addresses of one /64: rotating through them buys nothing', () => {
    const budget = new RequestBudget({ max: 2, windowMs: WINDOW_MS }, () => 0);
    expect(budget.take('2001:db8:1:2::1')).toBeUndefined();
    expect(budget.take('2001:db8:1:2::2')).toBeUndefined();
    expect(budget.take('2001:db8:1:2::3')?.code).toBe('RPC_RATE_LIMITED');
    expect(budget.take('2001:db8:1:3::1')).toBeUndefined();
  });
});
