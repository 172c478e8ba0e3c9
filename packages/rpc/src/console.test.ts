// RPC-19: the console's files at their paths, with the headers a browser needs to run them from this origin alone.
import { gunzipSync } from 'node:zlib';
import { FakeBackend } from '@babychain/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, type ConsoleFiles } from './console.ts';
import { type RpcServer, startRpcServer } from './server.ts';

const page = new TextEncoder().encode('<!doctype html><title>console</title><script src="/console.js"></script>');
const script = new TextEncoder().encode(`console.log(${JSON.stringify('x'.repeat(5000))});`);
const files: ConsoleFiles = new Map([
  ['/', { bytes: page, type: 'text/html; charset=utf-8' }],
  ['/console.js', { bytes: script, type: 'text/javascript; charset=utf-8' }],
]);

const servers: RpcServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serve(console?: ConsoleFiles): Promise<string> {
  const server = await startRpcServer({
    host: '127.0.0.1',
    port: 0,
    backend: new FakeBackend({ verify: false }),
    ...(console === undefined ? {} : { console }),
  });
  servers.push(server);
  return server.url;
}

describe('RPC-19: the web console', () => {
  it('serves the page at / and its files at their paths, allowing this origin alone', async () => {
    const url = await serve(files);
    const r = await fetch(`${url}/`, { headers: { 'accept-encoding': 'identity' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toMatch(/default-src 'self'/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(page);
    const js = await fetch(`${url}/console.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(new Uint8Array(await js.arrayBuffer())).toEqual(script);
  });

  it('answers 304 to a matching if-none-match, and gzip to a client that accepts it', async () => {
    const url = await serve(files);
    const first = await fetch(`${url}/console.js`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${url}/console.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // node's fetch decodes gzip itself; a raw request shows what went over the wire
    const { request } = await import('node:http');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(`${url}/console.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(script.length / 10);
    expect(new Uint8Array(gunzipSync(raw.body))).toEqual(script);
  });

  it('gives no other path a meaning: a file it was not given is RPC_NOT_FOUND', async () => {
    const url = await serve(files);
    for (const path of ['/console.css', '/../package.json', '/index.html', '/console.js/']) {
      const r = await fetch(`${url}${path}`);
      expect(r.status, path).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('RPC_NOT_FOUND');
    }
  });

  it('without a console, GET / is a path that answers only POST (JSON-RPC)', async () => {
    const url = await serve();
    const r = await fetch(`${url}/`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('RPC_METHOD_NOT_ALLOWED');
  });
});
