/**
 * The node's HTTP API on fastify (specs/rpc.md): every method as a REST route and as JSON-RPC 2.0 (`POST /`), the
 * websocket at `GET /ws`, the OpenAPI document at `GET /docs/json` with its UI at `GET /docs`, Prometheus metrics
 * and the devnet admin route. Listens on 127.0.0.1 unless told otherwise; CORS is off unless origins are configured;
 * bodies, answers, connections and waits are bounded, and every way in shares one request budget per client
 * (guard.ts, RPC-10, RPC-15).
 */

import type { Socket } from 'node:net';
import { DenylistParams, JsonRpcRequest, JsonRpcResponse, OkResult, RestError } from '@babychain/api';
import type { BabyError } from '@babychain/codec';
import { isBabyError } from '@babychain/codec';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import Fastify from 'fastify';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import type { RpcBackend, RpcLogger } from './backend.ts';
import { type ConsoleFiles, registerConsole } from './console.ts';
import { errorInfo, httpStatusOf, type RateRefusal, RpcErrorCode, rpcError } from './errors.ts';
import {
  CONNECTION_ROUTE,
  ConnectionCaps,
  DEFAULT_RPC_LIMITS,
  delayRefusal,
  LimitLog,
  RequestBudget,
  type RpcLimits,
  type RpcObserver,
  UNMATCHED_ROUTE,
} from './guard.ts';
import type { DispatchOptions } from './jsonrpc.ts';
import { dispatch, errorResponse, schemaErrors, validatorOf } from './jsonrpc.ts';
import type { MethodContext, MethodSpec } from './methods.ts';
import { costBeyondFirst, DEFAULT_COMMIT_TIMEOUT_MS, METHODS } from './methods.ts';
import { MAX_WS_MESSAGE_BYTES, serveSocket } from './ws.ts';

/** RPC-10: a transaction is at most 16 KiB (TX-2): hex doubles it, JSON adds a little. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Methods a route may answer, for the 405's `allow` header. */
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface RpcServerOptions {
  /** the address to bind; 127.0.0.1 unless the operator chose a public bind (RPC-15) */
  readonly host: string;
  readonly port: number;
  readonly backend: RpcBackend;
  readonly logger?: RpcLogger;
  /** CORS: browser origins allowed to call the API; none (CORS off) by default */
  readonly cors?: { readonly origins: readonly string[] };
  /** RPC-10's bounds; each one absent takes its DEFAULT_RPC_LIMITS value */
  readonly limits?: Partial<RpcLimits>;
  /**
   * RPC-15: the proxies whose `X-Forwarded-For` names the client (addresses or CIDRs); none by default, so a client
   * is the address it connects from. Connection caps always count the connecting address.
   */
  readonly trustProxy?: readonly string[];
  /** RPC-7: how long a commit-mode submission waits (default 30 s) */
  readonly commitTimeoutMs?: number;
  /**
   * Checks every successful answer against its result schema and answers RPC_INTERNAL (logged) when it does not
   * fit: for tests. Default: the environment variable BABYCHAIN_RPC_CHECK_RESPONSES is "1".
   */
  readonly checkResponses?: boolean;
  /** told of every answered HTTP request and every limit hit: the node's metrics */
  readonly observer?: RpcObserver;
  /** RPC-19: the web console's files, served at their paths (`/` the page); none: no console */
  readonly console?: ConsoleFiles;
}

export interface RpcServer {
  readonly url: string;
  close(): Promise<void>;
}

export type RpcAppOptions = Omit<RpcServerOptions, 'host' | 'port'>;

const TAG_METHODS = 'methods';
const TAG_TRANSPORTS = 'transports';
const TAG_OPERATIONS = 'operations';

const JSONRPC_URL = '/';

/** The matched route pattern: a bounded label, unlike the URL a client chose. */
function routeOf(req: FastifyRequest): string {
  return req.routeOptions.url ?? UNMATCHED_ROUTE;
}

function isJsonRpcRoute(req: FastifyRequest): boolean {
  return req.method === 'POST' && req.routeOptions.url === JSONRPC_URL;
}

/** A fastify or plugin error as the BabyError the client sees. */
function classify(err: FastifyError | BabyError | Error): BabyError {
  if (isBabyError(err)) return err;
  const e = err as Partial<FastifyError> & { validation?: unknown };
  const status = e.statusCode ?? 500;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return rpcError(RpcErrorCode.TOO_LARGE, `the request body exceeds the limit`);
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && status === 400)) {
    return rpcError(RpcErrorCode.PARSE_ERROR, 'the body is not valid JSON');
  }
  if (Array.isArray(e.validation)) {
    const errors = (e.validation as { instancePath?: string; message?: string }[])
      .slice(0, 5)
      .map((v) => `${v.instancePath === undefined || v.instancePath === '' ? '/' : v.instancePath}: ${v.message}`);
    return rpcError(RpcErrorCode.BAD_REQUEST, `invalid ${e.validationContext ?? 'request'}: ${errors.join('; ')}`, {
      errors,
    });
  }
  if (status < 500) return rpcError(RpcErrorCode.BAD_REQUEST, err.message, { status });
  return rpcError(RpcErrorCode.INTERNAL, 'internal error');
}

function sendRestError(reply: FastifyReply, err: BabyError, status = httpStatusOf(err.code)) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: errorInfo(err) });
}

function restResponses(result: TSchema, name: string) {
  return {
    200: { ...result, description: `the result of ${name}` },
    '4xx': { ...RestError, description: 'a refusal: the rule or RPC code that failed (RPC-13)' },
    '5xx': { ...RestError, description: 'RPC_INTERNAL, RPC_TIMEOUT or a node-side STATE_/NODE_ code (RPC-13)' },
  };
}

/** The paths a route's url (`/txs/:id`, `*`) matches. */
function routePattern(url: string): RegExp {
  const segments = url.split('/').map((segment) => {
    if (segment.startsWith(':')) return '[^/]+';
    if (segment === '*') return '.*';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/').replace(/\/$/, '')}/?$`);
}

/** How often Node looks for connections past their headers or request timeout. */
const CHECK_INTERVAL_MS = 1000;
/** Node's own keep-alive idle default: a client that wants more holds its connection with requests. */
const KEEP_ALIVE_MS = 5000;

/** Builds the server without listening (tests, the OpenAPI generator). Call `ready()` before `swagger()`. */
export async function buildRpcApp(options: RpcAppOptions): Promise<FastifyInstance> {
  const { backend, logger } = options;
  const checkResponses = options.checkResponses ?? process.env['BABYCHAIN_RPC_CHECK_RESPONSES'] === '1';
  const limits: RpcLimits = { ...DEFAULT_RPC_LIMITS, ...options.limits };
  const budget = new RequestBudget(limits.rateLimit);
  const limitLog = new LimitLog(logger, limits.rateLimit.windowMs, options.observer);
  const ctx: MethodContext = {
    backend,
    logger,
    commitTimeoutMs: options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS,
    waiters: new Set(),
  };

  const trusted = options.trustProxy ?? [];
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    trustProxy: trusted.length === 0 ? false : [...trusted],
    // a silent or trickling client must send its headers within headersTimeoutMs (slowloris): 408, then closed
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: CHECK_INTERVAL_MS },
    // and the whole request within requestTimeoutMs: a body that trickles is cut off too (Node needs it >= headers)
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    // between requests a keep-alive connection idles at most this; a commit-mode wait is not idle for Node
    keepAliveTimeout: Math.min(limits.idleTimeoutMs, KEEP_ALIVE_MS),
  }).withTypeProvider<TypeBoxTypeProvider>();
  const caps = new ConnectionCaps(limits, limitLog);
  app.server.on('connection', (socket: Socket) => caps.admit(socket));
  app.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      limitLog.hit(socket.remoteAddress ?? 'unknown', 'request timeout', CONNECTION_ROUTE, {
        headersTimeoutMs: limits.headersTimeoutMs,
        requestTimeoutMs: limits.requestTimeoutMs,
      });
    }
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Answers are plain JSON; the response schemas document and (checkResponses) check them, never filter them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const internal = (err: unknown, what: Record<string, unknown>) => logger?.warn('rpc handler failed', what, err);

  app.setErrorHandler((err: FastifyError | BabyError, req, reply) => {
    const baby = classify(err);
    if (baby.code === RpcErrorCode.INTERNAL) internal(err, { method: req.method, url: req.url });
    const status = isBabyError(err) ? httpStatusOf(baby.code) : ((err as FastifyError).statusCode ?? 500);
    const httpStatus = baby.code === RpcErrorCode.BAD_REQUEST && status >= 400 && status < 500 ? status : undefined;
    if (isJsonRpcRoute(req)) {
      // Transport refusals (size, rate) keep their HTTP status; everything else is a JSON-RPC answer (RPC-14).
      const code = httpStatusOf(baby.code);
      return reply.code(code === 413 || code === 429 ? code : 200).send(errorResponse(null, baby));
    }
    return sendRestError(reply, baby, httpStatus ?? httpStatusOf(baby.code));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Babychain node RPC',
        version: '0',
        description:
          'Every method is a REST route and a JSON-RPC 2.0 method of the same name (POST /); specs/rpc.md is the contract.',
      },
      tags: [
        { name: TAG_METHODS, description: 'the methods of specs/rpc.md (RPC-2..RPC-8), also JSON-RPC methods' },
        { name: TAG_TRANSPORTS, description: 'JSON-RPC 2.0 over HTTP and over a websocket (RPC-9, RPC-11)' },
        { name: TAG_OPERATIONS, description: 'metrics and devnet controls' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null }, staticCSP: true });
  const refusalDelay = (refusal: RateRefusal) => delayRefusal(refusal, limits.refusalDelayMs);
  const refuseOverBudget = async (req: FastifyRequest, reply: FastifyReply, refusal: RateRefusal | undefined) => {
    if (refusal === undefined) return;
    limitLog.hit(req.ip, 'rate', routeOf(req), refusal.meta);
    const waited = performance.now();
    await refusalDelay(refusal);
    const left = refusal.meta.retryAfterMs - (performance.now() - waited);
    reply.header('retry-after', String(Math.max(0, Math.ceil(left / 1000))));
    throw refusal;
  };
  // RPC-10: every HTTP request takes one request from its client's budget, websocket upgrades and unknown routes too.
  app.addHook('onRequest', async (req, reply) => {
    await refuseOverBudget(req, reply, budget.take(req.ip));
  });
  const observer = options.observer;
  if (observer !== undefined) {
    app.addHook('onResponse', async (req, reply) => {
      observer.request(routeOf(req), reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = routePattern(route.url);
    for (const method of [route.method].flat()) routes.push({ method, pattern });
  });
  if (options.cors !== undefined && options.cors.origins.length > 0) {
    await app.register(cors, { origin: [...options.cors.origins] });
  }
  await app.register(websocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES } });

  // REST bodies are JSON whatever the content type says (curl -d sends a form type); empty is no body at all.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(rpcError(RpcErrorCode.PARSE_ERROR, 'the body is not valid JSON'), undefined);
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allowed = HTTP_METHODS.filter((m) => routes.some((r) => r.method === m && r.pattern.test(path)));
    // a path that differs from a route only by its trailing slash is not that route: not found, whatever the method
    if (allowed.length === 0 || allowed.includes(req.method as (typeof HTTP_METHODS)[number]))
      return sendRestError(reply, rpcError(RpcErrorCode.NOT_FOUND, `no route ${req.method} ${path}`));
    reply.header('allow', allowed.join(', '));
    return sendRestError(
      reply,
      rpcError(RpcErrorCode.METHOD_NOT_ALLOWED, `${path} answers ${allowed.join(', ')}, not ${req.method}`, {
        allowed,
      }),
    );
  });

  if (checkResponses) {
    app.addHook('preSerialization', async (req, reply, payload) => {
      const schema = (req.routeOptions.schema?.response as Record<string, TSchema> | undefined)?.[200];
      if (reply.statusCode !== 200 || schema === undefined || isJsonRpcRoute(req)) return payload;
      if (!validatorOf(schema).Check(payload)) {
        throw new Error(
          `${req.method} ${req.url}: the answer does not fit its schema: ${schemaErrors(schema, payload)}`,
        );
      }
      return payload;
    });
  }
  app.addHook('preClose', async () => {
    const closing = rpcError(RpcErrorCode.TIMEOUT, 'the node is shutting down', { closing: true });
    for (const abort of ctx.waiters) abort(closing);
  });

  // --- the methods as REST routes (RPC-2..RPC-8) ---
  // RPC-10: a REST call paid one request in onRequest; one that costs more takes the rest once its params are valid.
  const charge: Charge = async (req, reply, spec, params) => {
    const more = costBeyondFirst(spec, params);
    if (more > 0) await refuseOverBudget(req, reply, budget.take(req.ip, more));
  };
  for (const spec of METHODS) registerRest(app, spec, ctx, charge);
  if (options.console !== undefined) registerConsole(app, options.console);

  // --- JSON-RPC 2.0 over HTTP (RPC-11) ---
  const dispatchOptions: Omit<DispatchOptions, 'ctx'> = {
    ...(checkResponses
      ? {
          checkResult: (spec: MethodSpec, result: unknown) => {
            if (!validatorOf(spec.result).Check(result)) {
              throw new Error(`${spec.name}: the result does not fit its schema: ${schemaErrors(spec.result, result)}`);
            }
          },
        }
      : {}),
    onInternalError: (err, method) => internal(err, { method }),
    delayRefusal: refusalDelay,
  };
  await app.register(async (scope) => {
    // The body is parsed by the dispatcher, so that bad JSON is a JSON-RPC parse error whatever the content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(
      JSONRPC_URL,
      {
        schema: {
          operationId: 'jsonrpc',
          tags: [TAG_TRANSPORTS],
          summary: 'JSON-RPC 2.0: every method of this API by name, with the same params and results',
          body: Type.Union([JsonRpcRequest, Type.Array(JsonRpcRequest, { minItems: 1, maxItems: 20 })]),
          response: {
            200: Type.Union([JsonRpcResponse, Type.Array(JsonRpcResponse)], {
              description: 'the response (an array for a batch); JSON-RPC errors are answered with HTTP 200',
            }),
            204: Type.Null({ description: 'only notifications were sent' }),
            413: { ...JsonRpcResponse, description: 'RPC_TOO_LARGE: the body exceeds 64 KiB' },
            429: { ...JsonRpcResponse, description: 'RPC_RATE_LIMITED' },
          },
        },
        // documented above, validated by the dispatcher
        validatorCompiler: () => (value: unknown) => ({ value }),
      },
      async (req, reply) => {
        const response = await dispatch(typeof req.body === 'string' ? req.body : '', {
          ...dispatchOptions,
          ctx,
          // the HTTP request paid for its first request; each further batch member pays its own
          prepaid: 1,
          take: (units) => budget.take(req.ip, units),
          maxAnswerBytes: limits.maxAnswerBytes,
          onLimit: (limit, details) => limitLog.hit(req.ip, limit, JSONRPC_URL, details),
        });
        if (response === undefined) return reply.code(204).send();
        return response;
      },
    );
  });

  // --- websocket (RPC-9) ---
  app.route({
    method: 'GET',
    url: '/ws',
    schema: {
      operationId: 'websocket',
      tags: [TAG_TRANSPORTS],
      summary: 'Websocket upgrade: JSON-RPC 2.0 with subscribe / unsubscribe (blocks, a transaction inclusion)',
      response: {
        101: Type.Null({ description: 'Switching Protocols' }),
        '4xx': { ...RestError, description: 'RPC_BAD_REQUEST (426) for a request without an upgrade' },
      },
    },
    // a plain GET (no upgrade) is told what to do
    handler: async (_req, reply) =>
      sendRestError(reply, rpcError(RpcErrorCode.BAD_REQUEST, 'GET /ws upgrades to a websocket'), 426),
    wsHandler: (socket, req) =>
      serveSocket(socket, ctx, dispatchOptions, { client: req.ip, limits, budget, log: limitLog }),
  });

  // --- operations ---
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'metrics',
        tags: [TAG_OPERATIONS],
        summary: 'Prometheus text exposition',
        response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: Type.String() } } } },
      },
    },
    async (_req, reply) => {
      reply.header('content-type', 'text/plain; version=0.0.4');
      return backend.metrics();
    },
  );

  app.post(
    '/admin/denylist',
    {
      schema: {
        operationId: 'denylist',
        tags: [TAG_OPERATIONS],
        summary: 'Devnet only: the peers this node refuses (partitions); 404 unless the node enables devnet controls',
        body: DenylistParams,
        response: restResponses(OkResult, 'denylist'),
      },
    },
    async (req) => {
      const setDenylist = backend.setDenylist;
      if (setDenylist === undefined) throw rpcError(RpcErrorCode.NOT_FOUND, 'admin routes are disabled');
      setDenylist(req.body.peerIds);
      return { ok: true as const };
    },
  );

  return app;
}

/** Takes what a REST call costs beyond its first request (RPC-10), or throws the refusal. */
type Charge = (req: FastifyRequest, reply: FastifyReply, spec: MethodSpec, params: unknown) => Promise<void>;

function registerRest(app: FastifyInstance, spec: MethodSpec, ctx: MethodContext, charge: Charge): void {
  const schema: FastifySchema & Record<string, unknown> = {
    operationId: spec.name,
    tags: [TAG_METHODS],
    summary: spec.summary,
    description: `JSON-RPC: \`${spec.name}\``,
    response: restResponses(spec.result, spec.name),
  };
  const from = spec.rest.from;
  if (from === 'params') schema.params = spec.params;
  if (from === 'query') schema.querystring = spec.params;
  if (from === 'body') schema.body = spec.params;
  if (from === 'path+query') {
    const inPath = [...spec.rest.url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    schema.params = Type.Pick(spec.params, inPath);
    schema.querystring = Type.Omit(spec.params, inPath);
  }
  app.route({
    method: spec.rest.method,
    url: spec.rest.url,
    schema,
    handler: async (req, reply) => {
      const params =
        from === 'params'
          ? req.params
          : from === 'query'
            ? req.query
            : from === 'body'
              ? req.body
              : from === 'path+query'
                ? { ...(req.query as object), ...(req.params as object) }
                : {};
      await charge(req, reply, spec, params);
      return spec.handler(ctx, params as never);
    },
  });
}

/** Builds the server and listens on `host:port` (port 0: any free port). */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const app = await buildRpcApp(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}

/** The OpenAPI 3.1 document of the API (what `GET /docs/json` serves), built without a node. */
export async function rpcOpenApiDocument(): Promise<Record<string, unknown>> {
  const fail = (): never => {
    throw new Error('no backend');
  };
  const none = async () => fail();
  const backend: RpcBackend = {
    status: none,
    blocks: none,
    block: none,
    blockByHash: none,
    tx: none,
    submitTx: fail,
    checkTx: none,
    account: none,
    accountTxs: none,
    validatorSigning: none,
    validators: none,
    upgrade: none,
    mempool: fail,
    dropped: () => undefined,
    subscribeBlocks: () => () => {},
    metrics: none,
  };
  const app = await buildRpcApp({ backend });
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}
