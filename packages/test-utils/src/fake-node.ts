// The one fake node of the tests: a FakeBackend is an in-memory chain behind RpcBackend (a ledger that checks what a
// node checks of a transaction, blocks with real header hashes, a mempool that can drop), and a FakeNode serves it
// through the real RPC server with every answer checked against its schema (specs/rpc.md), so that a client or a
// command talks to the routes, validation and error mapping a node has. A test that needs an answer no node gives
// (a wrong shape, a hang, a dropped connection) scripts it with `handler`.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcServer } from '@babychain/rpc';

import { FakeBackend, type FakeBackendOptions } from './fake-backend.ts';

export interface FakeRequest {
  readonly method: string;
  /** path and query */
  readonly path: string;
  /** the parsed JSON body of a POST, else undefined */
  readonly body: unknown;
}

/** status + JSON body, or a raw answer (content type, text), or 'hang' (never answer), or 'destroy' the socket */
export type FakeAnswer =
  | { readonly status?: number; readonly json: unknown }
  | { readonly status?: number; readonly raw: string | Uint8Array; readonly type?: string }
  | 'hang'
  | 'destroy';

/** A scripted answer, or undefined to let the RPC server answer from the backend. */
export type FakeHandler = (req: FakeRequest) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

/** Extra routes served as static files (a page for the browser test): path -> [content type, body]. */
export type StaticFiles = ReadonlyMap<string, readonly [string, string | Uint8Array]>;

/** The spec's REST error body. */
export function rpcError(status: number, code: string, message: string, meta?: Record<string, unknown>): FakeAnswer {
  return { status, json: { error: { code, message, ...(meta === undefined ? {} : { meta }) } } };
}

export interface FakeNodeOptions extends FakeBackendOptions {
  readonly handler?: FakeHandler;
  readonly files?: StaticFiles;
  /** the server checks every answer against its schema (default true) */
  readonly checkResponses?: boolean;
}

/** A FakeBackend served by the real RPC server on loopback, behind a front that records and can script requests. */
export class FakeNode extends FakeBackend {
  url = '';
  readonly requests: FakeRequest[] = [];
  handler: FakeHandler;
  readonly #files: StaticFiles;
  readonly #checkResponses: boolean;
  readonly #hanging = new Set<ServerResponse>();
  #front: Server | undefined;
  #rpc: RpcServer | undefined;

  constructor(options: FakeNodeOptions = {}) {
    super(options);
    this.handler = options.handler ?? (() => undefined);
    this.#files = options.files ?? new Map();
    this.#checkResponses = options.checkResponses ?? true;
  }

  async start(): Promise<this> {
    // Imported here, so that a test wanting only SeededRandom does not load the server.
    const { startRpcServer } = await import('@babychain/rpc');
    this.#rpc = await startRpcServer({
      host: '127.0.0.1',
      port: 0,
      backend: this,
      checkResponses: this.#checkResponses,
      // An answer of the fake that breaks its schema is the fake's bug: the test shows RPC_INTERNAL, this says why.
      logger: { debug: () => {}, warn: (msg, ctx, err) => console.warn(msg, ctx, err) },
      // Every request of a test comes from one address: RPC-10's budget would ration the test, not a client.
      limits: { rateLimit: { max: Number.MAX_SAFE_INTEGER, windowMs: 1000 } },
    });
    const front = createServer((req, res) => void this.#serve(req, res));
    this.#front = front;
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    this.url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    const front = this.#front;
    if (front !== undefined) {
      front.closeAllConnections();
      front.close();
      await once(front, 'close');
    }
    await this.#rpc?.close();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const file = this.#files.get(path);
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: FakeRequest = { method: req.method ?? 'GET', path, body: text === '' ? undefined : parseJson(text) };
    if (path !== '/favicon.ico') this.requests.push(request);
    const answer = (await this.handler(request)) ?? (await this.#forward(request, text, req.headers['content-type']));
    if (answer === 'hang') {
      this.#hanging.add(res);
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
  }

  async #forward(request: FakeRequest, text: string, type: string | undefined): Promise<FakeAnswer> {
    const r = await fetch(`${this.#rpc?.url}${request.path}`, {
      method: request.method,
      ...(text === '' ? {} : { body: text, headers: { 'content-type': type ?? 'application/json' } }),
    });
    return {
      status: r.status,
      raw: new Uint8Array(await r.arrayBuffer()),
      type: r.headers.get('content-type') ?? 'text/plain',
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
