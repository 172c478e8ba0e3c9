import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDenylist } from './admin.ts';
import { freePorts } from './ports.ts';

describe('setDenylist', () => {
  const seen: unknown[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, path: req.url, body: JSON.parse(body) as unknown });
        const refused = body.includes('refuse');
        res.writeHead(refused ? 404 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            refused ? { error: { code: 'RPC_NOT_FOUND', message: 'admin routes are disabled' } } : { ok: true },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the peer ids to /admin/denylist', async () => {
    await setDenylist(url, ['peerA', 'peerB']);
    expect(seen.at(-1)).toEqual({ method: 'POST', path: '/admin/denylist', body: { peerIds: ['peerA', 'peerB'] } });
  });

  it("keeps the node's code when it refuses", async () => {
    await expect(setDenylist(url, ['refuse'])).rejects.toMatchObject({
      code: 'RPC_NOT_FOUND',
      message: expect.stringMatching(/admin routes are disabled/),
    });
  });

  it('is DEVNET_RPC_FAILED when nothing answers', async () => {
    const [port] = await freePorts(1);
    await expect(setDenylist(`http://127.0.0.1:${port}`, [])).rejects.toMatchObject({ code: 'DEVNET_RPC_FAILED' });
  });
});
