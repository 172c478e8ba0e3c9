// RPC-10 against abusive clients: one budget shared by every way in, bounded answers, connections, in-flight
// requests and waits, and warn lines that name the client. Each test is a client doing what an attacker does.
import { connect, type Socket } from 'node:net';
import { FakeBackend } from '@babychain/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RpcLogger } from './backend.ts';
import type { RpcServer, RpcServerOptions } from './server.ts';
import { startRpcServer } from './server.ts';

/** Budget windows are aligned to the clock: an hour, so that no test straddles one by chance. */
const WINDOW_MS = 3_600_000;

const servers: RpcServer[] = [];
const sockets: (Socket | WebSocket)[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s instanceof WebSocket ? s.terminate() : s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server whose rate refusals come at once, unless the test sets refusalDelayMs: the delay has its own test. */
async function serve(options: Partial<RpcServerOptions> = {}, backend = new FakeBackend()) {
  const limits = { refusalDelayMs: 0, ...options.limits };
  const server = await startRpcServer({ host: '127.0.0.1', port: 0, backend, ...options, limits });
  servers.push(server);
  return { server, backend, port: Number(new URL(server.url).port) };
}

interface Answer {
  id?: number;
  result?: unknown;
  error?: { code: number; data: { code: string } };
}

const call = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params });

async function socket(
  url: string,
  from = '127.0.0.1',
  options: WebSocket.ClientOptions = {},
): Promise<WebSocket & { answers: Answer[] }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { localAddress: from, ...options }) as WebSocket & {
    answers: Answer[];
  };
  ws.answers = [];
  sockets.push(ws);
  ws.on('message', (data) => {
    const parsed = JSON.parse(String(data)) as Answer | Answer[];
    ws.answers.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

const closed = (s: Socket | WebSocket) =>
  new Promise<number | undefined>((resolve) => s.once('close', (code?: number) => resolve(code)));

function tcp(port: number, from = '127.0.0.1'): Socket {
  const s = connect({ host: '127.0.0.1', port, localAddress: from });
  s.on('error', () => {});
  s.resume(); // flowing: an answer never read would hold back the close
  sockets.push(s);
  return s;
}

const codes = (answers: readonly Answer[]) =>
  answers.reduce<Record<string, number>>((acc, a) => {
    const key = a.error?.data.code ?? 'ok';
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('one budget per client, every way in', () => {
  it('counts HTTP requests, batch members past the first and websocket requests together', async () => {
    const { server } = await serve({ limits: { rateLimit: { max: 10, windowMs: WINDOW_MS } } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/status`)).status).toBe(200); // 3
    const batch = await post(
      `${server.url}/`,
      [1, 2, 3, 4, 5].map((i) => call(i, 'mempool')),
    ); // 3 + 5 = 8
    expect(codes((await batch.json()) as Answer[])).toEqual({ ok: 5 });
    const ws = await socket(server.url); // the upgrade: 9
    ws.send(JSON.stringify([1, 2, 3].map((i) => call(i, 'status')))); // the message: 10, then two members refused
    await expect.poll(() => ws.answers.length).toBe(3);
    expect(codes(ws.answers)).toEqual({ ok: 1, RPC_RATE_LIMITED: 2 });
    expect((await fetch(`${server.url}/status`)).status).toBe(429);
    // a refused client keeps its connection: it is told, not cut off
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers 5,000 status calls on one websocket within the budget, the rest refused, the socket kept', async () => {
    const { server } = await serve({ limits: { rateLimit: { max: 100, windowMs: WINDOW_MS } } });
    const ws = await socket(server.url);
    for (let i = 0; i < 5000; i++) ws.send(JSON.stringify(call(i, 'status')));
    await expect.poll(() => ws.answers.length, { timeout: 20_000 }).toBe(5000);
    expect(codes(ws.answers)).toEqual({ ok: 99, RPC_RATE_LIMITED: 4901 });
  }, 30_000);

  it('answers a rate refusal only after refusalDelayMs, on every way in, and a websocket holds its slot meanwhile', async () => {
    const delay = 400;
    const { server } = await serve({
      limits: { rateLimit: { max: 2, windowMs: WINDOW_MS }, refusalDelayMs: delay, maxInFlightPerConnection: 1 },
    });
    const ws = await socket(server.url); // 1
    ws.send(JSON.stringify(call(1, 'status'))); // 2
    await expect.poll(() => ws.answers.length).toBe(1);
    const sent = performance.now();
    ws.send(JSON.stringify(call(2, 'status')));
    ws.send(JSON.stringify(call(3, 'status')));
    await expect.poll(() => ws.answers.length, { timeout: 5000 }).toBe(3);
    // one in flight at a time: the second refusal waited for the first's delay, then its own
    expect(performance.now() - sent).toBeGreaterThanOrEqual(2 * delay - 5);
    for (const waited of [
      async () => fetch(`${server.url}/status`),
      async () => post(`${server.url}/`, call(4, 'status')),
    ]) {
      const start = performance.now();
      expect((await waited()).status).toBe(429);
      expect(performance.now() - start).toBeGreaterThanOrEqual(delay - 5);
    }
  });

  it('charges each websocket message, malformed or not, and closes a binary one', async () => {
    const { server } = await serve({ limits: { rateLimit: { max: 4, windowMs: WINDOW_MS } } });
    const ws = await socket(server.url); // 1
    for (const text of ['not json', '[]', '{"jsonrpc":"2.0","id":1,"method":"status"}', 'not json']) ws.send(text);
    await expect.poll(() => ws.answers.length).toBe(4);
    expect(codes(ws.answers)).toEqual({ RPC_PARSE_ERROR: 1, RPC_INVALID_REQUEST: 1, ok: 1, RPC_RATE_LIMITED: 1 });
    ws.send(Buffer.from([1, 2, 3]));
    await closed(ws);
  });

  it('names the client that hit a limit in a warn line, once per window', async () => {
    const warnings: Record<string, unknown>[] = [];
    const logger: RpcLogger = { debug: () => {}, warn: (msg, ctx) => warnings.push({ msg, ...ctx }) };
    const { server } = await serve({ logger, limits: { rateLimit: { max: 1, windowMs: WINDOW_MS } } });
    for (let i = 0; i < 5; i++) await fetch(`${server.url}/status`);
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'rpc client hit a limit', client: '127.0.0.1', limit: 'rate', max: 1 }),
    ]);
  });

  it('takes the client from X-Forwarded-For only when the connection comes from a trusted proxy', async () => {
    const limits = { rateLimit: { max: 1, windowMs: WINDOW_MS } };
    const behind = await serve({ limits, trustProxy: ['127.0.0.1'] });
    const as = (ip: string) => fetch(`${behind.server.url}/status`, { headers: { 'x-forwarded-for': ip } });
    expect((await as('10.0.0.1')).status).toBe(200);
    expect((await as('10.0.0.2')).status).toBe(200);
    expect((await as('10.0.0.1')).status).toBe(429);
    const exposed = await serve({ limits });
    const spoof = (ip: string) => fetch(`${exposed.server.url}/status`, { headers: { 'x-forwarded-for': ip } });
    expect((await spoof('10.0.0.1')).status).toBe(200);
    expect((await spoof('10.0.0.2')).status).toBe(429);
  });
});

describe('bounded answers', () => {
  it('stops a batch once its answers pass maxAnswerBytes: the members after it are refused unrun', async () => {
    const backend = new FakeBackend();
    for (let i = 0; i < 60; i++) backend.commitBlock([]);
    const { server } = await serve({ limits: { maxAnswerBytes: 20_000 } }, backend);
    const oneAnswer = (await (await post(`${server.url}/`, call(1, 'blocks', { from: '1', to: '60' }))).text()).length;
    expect(oneAnswer).toBeGreaterThan(5000);
    const before = backend.blocksCalls;
    const r = await post(
      `${server.url}/`,
      Array.from({ length: 20 }, (_, i) => call(i, 'blocks', { from: '1', to: '60' })),
    );
    const answers = (await r.json()) as Answer[];
    // each member runs while the answers before it stay within the budget
    const ran = Math.floor(20_000 / oneAnswer) + 1;
    expect(codes(answers)).toEqual({ ok: ran, RPC_TOO_LARGE: 20 - ran });
    expect(backend.blocksCalls - before).toBe(ran);
  });

  it('stops producing answers for a websocket that never reads, then lets the connection go', async () => {
    const backend = new FakeBackend();
    for (let i = 0; i < 1000; i++) backend.commitBlock([]);
    const limits = {
      maxInFlightPerConnection: 2,
      maxBufferedBytes: 256 * 1024,
      maxConnectionsPerClient: 1,
      rateLimit: { max: 10_000, windowMs: WINDOW_MS },
    };
    const { server } = await serve({ limits }, backend);
    const ws = await socket(server.url);
    ws.pause(); // never read: what the node sends piles up unsent, and a close frame is never read either
    for (let i = 0; i < 1000; i++) ws.send(JSON.stringify(call(i, 'blocks', { from: '1', to: '999' })));
    // the client's one connection slot comes free once the node has cut it off
    await expect
      .poll(async () => (await fetch(`${server.url}/status`).catch(() => undefined))?.status, { timeout: 10_000 })
      .toBe(200);
    // what the kernel's socket buffers took, then the unsent budget: far from the 1,000 answers asked for
    expect(backend.blocksCalls).toBeLessThan(300);
  }, 20_000);

  it('answers at most maxInFlightPerConnection requests of one websocket at once', async () => {
    const backend = new FakeBackend();
    let open = (): void => {};
    backend.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { server } = await serve({ limits: { maxInFlightPerConnection: 3 } }, backend);
    const ws = await socket(server.url);
    for (let i = 0; i < 10; i++) ws.send(JSON.stringify(call(i, 'block', { height: '1' })));
    await expect.poll(() => backend.blockCalls.running).toBe(3);
    open();
    await expect.poll(() => ws.answers.length).toBe(10);
    expect(backend.blockCalls.max).toBe(3);
  });
});

describe('connections and waits', () => {
  it('closes connections past the per-client cap at once; another client still connects', async () => {
    const { server, port } = await serve({ limits: { maxConnectionsPerClient: 3 } });
    const held = [tcp(port), tcp(port), tcp(port)];
    await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
    const extra = tcp(port);
    await closed(extra);
    expect(held.every((s) => !s.destroyed)).toBe(true);
    const other = await fetch(`${server.url}/status`).catch(() => undefined);
    expect(other).toBeUndefined(); // the same client: refused
    const neighbour = tcp(port, '127.0.0.2');
    neighbour.write('GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<string>((resolve) => neighbour.once('data', (d: Buffer) => resolve(String(d))));
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
  });

  it('closes connections past the total cap', async () => {
    const { port } = await serve({ limits: { maxConnections: 2, maxConnectionsPerClient: 10 } });
    const held = [tcp(port), tcp(port)];
    await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
    await closed(tcp(port, '127.0.0.2'));
    expect(held.every((s) => !s.destroyed)).toBe(true);
  });

  it('answers 408 and closes a connection whose headers trickle, or never come (slowloris)', async () => {
    const { port } = await serve({ limits: { headersTimeoutMs: 500 } });
    const slow = tcp(port);
    const silent = tcp(port);
    let got = '';
    slow.on('data', (d: Buffer) => {
      got += String(d);
    });
    slow.write('GET /status HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => slow.write('X-Slow: 1\r\n'), 100);
    const started = Date.now();
    await Promise.all([closed(slow), closed(silent)]);
    clearInterval(trickle);
    expect(got).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers 408 and closes a connection whose body trickles past requestTimeoutMs', async () => {
    const { port } = await serve({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const slow = tcp(port);
    let got = '';
    slow.on('data', (d: Buffer) => {
      got += String(d);
    });
    slow.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n[');
    const trickle = setInterval(() => slow.write(' '), 100);
    await closed(slow);
    clearInterval(trickle);
    expect(got).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a websocket that answers no ping within idleTimeoutMs, and keeps one that does', async () => {
    const { server } = await serve({ limits: { idleTimeoutMs: 400 } });
    const reader = await socket(server.url);
    const deaf = await socket(server.url, '127.0.0.1', { autoPong: false });
    await closed(deaf);
    expect(reader.readyState).toBe(WebSocket.OPEN);
    reader.send(JSON.stringify(call(1, 'status')));
    await expect.poll(() => reader.answers.length).toBe(1);
  });
});

describe('wrong method', () => {
  it('answers 405 with the methods the route answers, and 404 for no route', async () => {
    const { server } = await serve();
    const wrong = await fetch(`${server.url}/status`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('RPC_METHOD_NOT_ALLOWED');
    const txs = await fetch(`${server.url}/txs/${'ab'.repeat(32)}`, { method: 'DELETE' });
    expect(txs.status).toBe(405);
    expect(txs.headers.get('allow')).toBe('GET');
    expect((await fetch(`${server.url}/txs`, { method: 'GET' })).headers.get('allow')).toBe('POST');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
