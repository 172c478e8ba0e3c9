/** A fake node for tests: a node:http server on a loopback port answering from a handler, recording requests. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  readonly method: string;
  /** path and query */
  readonly path: string;
  /** parsed JSON body of a POST, else undefined */
  readonly body: unknown;
}

/** status + JSON body, or a raw answer (content type, text), or 'hang' (never answer), or 'destroy' the socket */
export type FakeAnswer =
  | { readonly status?: number; readonly json: unknown }
  | { readonly status?: number; readonly raw: string; readonly type?: string }
  | 'hang'
  | 'destroy';

export type FakeHandler = (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

/** Extra routes served as static files (for the browser test): path -> [content type, body]. */
export type StaticFiles = ReadonlyMap<string, readonly [string, string | Uint8Array]>;

export interface FakeNode {
  readonly url: string;
  readonly requests: FakeRequest[];
  handler: FakeHandler;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeNode(handler: FakeHandler, files: StaticFiles = new Map()): Promise<FakeNode> {
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const node: FakeNode = {
    url: '',
    requests,
    handler,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '/';
      const file = files.get(path);
      if (file !== undefined) {
        res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
        return;
      }
      const text = await readBody(req);
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path,
        body: text === '' ? undefined : JSON.parse(text),
      };
      if (path !== '/favicon.ico') requests.push(request);
      const answer = await node.handler(request);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer === 'destroy') {
        req.socket.destroy();
        return;
      }
      if ('json' in answer) {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
      } else {
        res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/plain' }).end(answer.raw);
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(node, { url: `http://127.0.0.1:${port}` });
}

/** The spec's REST error body. */
export function rpcError(status: number, code: string, message: string, meta?: Record<string, unknown>): FakeAnswer {
  return { status, json: { error: { code, message, ...(meta === undefined ? {} : { meta }) } } };
}

/** A `GET /status` answer with every field the SDK parses; `overrides` replace top-level fields. */
export function fakeStatus(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: 'fake-1',
    moniker: 'fake',
    version: '0.0.0',
    nodeId: 'fake',
    maturity: 'baby',
    height: '3',
    lastBlockHash: '',
    appHash: '',
    lastBlockTimeMs: '0',
    round: 0,
    step: 'propose',
    syncing: false,
    peers: 0,
    peerIds: [],
    validator: null,
    blockTimeMs: { p50: null, p99: null, samples: 0 },
    finalityMs: { p50: null, p99: null, samples: 0 },
    evidence: 0,
    mempool: { txs: 0, bytes: 0 },
    params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    ...overrides,
  };
}
