/**
 * The node's HTTP API on fastify (specs/rpc.md): status, blocks, transactions, accounts, metrics and the devnet
 * admin route. Listens on 127.0.0.1 unless told otherwise; bodies are capped; errors are `{ error: { code, message } }`.
 */
import { fromHex, isBabyError } from '@babychain/codec';
import type { FastifyReply } from 'fastify';
import Fastify from 'fastify';
import type { RpcBackend, RpcLogger } from './backend.ts';
import { RpcErrorCode } from './errors.ts';

/** A transaction is at most 16 KiB (TX-2): hex doubles it, JSON adds a little. */
const MAX_BODY_BYTES = 64 * 1024;
const MAX_BLOCK_RANGE = 1000n;

export interface RpcServerOptions {
  readonly host: string;
  readonly port: number;
  readonly backend: RpcBackend;
  readonly logger?: RpcLogger;
}

export interface RpcServer {
  readonly url: string;
  close(): Promise<void>;
}

const HEX = /^(?:[0-9a-f]{2})*$/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function height(text: string | undefined): bigint | undefined {
  return text !== undefined && DECIMAL.test(text) ? BigInt(text) : undefined;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { backend } = options;
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, logger: false });

  app.setErrorHandler((err, _req, reply) => {
    if (isBabyError(err)) return fail(reply, 400, err.code, err.message);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return fail(reply, status, RpcErrorCode.BAD_REQUEST, err instanceof Error ? err.message : '');
    options.logger?.warn('rpc handler failed', {}, err);
    return fail(reply, 500, RpcErrorCode.INTERNAL, 'internal error');
  });
  app.setNotFoundHandler((req, reply) => fail(reply, 404, RpcErrorCode.NOT_FOUND, `no route ${req.method} ${req.url}`));

  app.get('/status', async () => backend.status());

  app.get<{ Querystring: { from?: string; to?: string } }>('/blocks', async (req, reply) => {
    const from = height(req.query.from);
    const to = height(req.query.to);
    if (from === undefined || to === undefined || to < from || to - from >= MAX_BLOCK_RANGE) {
      return fail(reply, 400, RpcErrorCode.BAD_REQUEST, `from and to are heights with to - from < ${MAX_BLOCK_RANGE}`);
    }
    return { blocks: await backend.blocks(from, to) };
  });

  app.get<{ Params: { height: string } }>('/blocks/:height', async (req, reply) => {
    const h = height(req.params.height);
    if (h === undefined) return fail(reply, 400, RpcErrorCode.BAD_REQUEST, 'the height is a decimal number');
    const block = await backend.block(h);
    return block ?? fail(reply, 404, RpcErrorCode.NOT_FOUND, `no committed block at height ${h}`);
  });

  app.get<{ Params: { id: string } }>('/txs/:id', async (req, reply) => {
    const id = req.params.id.toLowerCase();
    if (id.length !== 64 || !HEX.test(id))
      return fail(reply, 400, RpcErrorCode.BAD_REQUEST, 'a tx id is 64 hex digits');
    const tx = await backend.tx(id);
    if (tx === undefined || tx['pending'] === true) {
      return fail(reply, 404, RpcErrorCode.NOT_FOUND, tx === undefined ? 'unknown transaction' : 'not committed yet');
    }
    return tx;
  });

  app.post<{ Body: { tx?: unknown } }>('/txs', async (req, reply) => {
    const tx = req.body?.tx;
    if (typeof tx !== 'string' || tx.length === 0 || !HEX.test(tx)) {
      return fail(reply, 400, RpcErrorCode.BAD_REQUEST, 'the body is {"tx": "<hex of the Tx encoding>"}');
    }
    return backend.submitTx(fromHex(tx));
  });

  app.get<{ Params: { address: string } }>('/accounts/:address', async (req) => backend.account(req.params.address));

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4');
    return backend.metrics();
  });

  app.post<{ Body: { peerIds?: unknown } }>('/admin/denylist', async (req, reply) => {
    const setDenylist = backend.setDenylist;
    if (setDenylist === undefined) return fail(reply, 404, RpcErrorCode.NOT_FOUND, 'admin routes are disabled');
    const ids = req.body?.peerIds;
    if (!Array.isArray(ids) || !ids.every((p) => typeof p === 'string')) {
      return fail(reply, 400, RpcErrorCode.BAD_REQUEST, 'the body is {"peerIds": [...]}');
    }
    setDenylist(ids as string[]);
    return { ok: true };
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { url: `http://${options.host}:${port}`, close: () => app.close() };
}
