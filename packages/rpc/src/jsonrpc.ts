/**
 * JSON-RPC 2.0 over HTTP (`POST /`) and over the websocket (RPC-11, RPC-14): parsing, request validation, batches
 * of at most MAX_BATCH, and the mapping of every error to `{ code: <number>, message, data: { code, meta? } }`.
 */
import type { BabyError } from '@babychain/codec';
import { isBabyError } from '@babychain/codec';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { errorInfo, jsonRpcNumberOf, type RateRefusal, RpcErrorCode, rpcError } from './errors.ts';
import type { MethodContext, MethodSpec } from './methods.ts';
import { costBeyondFirst, METHODS_BY_NAME } from './methods.ts';

/** RPC-11: the most requests one batch may hold. */
export const MAX_BATCH = 20;

export type JsonRpcId = string | number | null;

export interface JsonRpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly result?: unknown;
  readonly error?: {
    readonly code: number;
    readonly message: string;
    readonly data: { readonly code: string; readonly meta?: Record<string, unknown> };
  };
}

/** Extra methods of one transport (the websocket's subscribe and unsubscribe). */
export type ExtraMethod = (params: unknown) => Promise<unknown>;

const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/** A compiled TypeBox validator, cached per schema. */
export function validatorOf(schema: TSchema): ReturnType<typeof Compile> {
  let v = validators.get(schema);
  if (v === undefined) {
    v = Compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** The schema errors of a value, as `path: message` lines (at most 5). */
export function schemaErrors(schema: TSchema, value: unknown): string[] {
  return validatorOf(schema)
    .Errors(value)
    .slice(0, 5)
    .map((e) => `${e.instancePath === '' ? '/' : e.instancePath}: ${e.message}`);
}

/** Validates `params` against the method's schema: RPC_BAD_REQUEST (-32602) when they do not fit. */
export function checkParams(spec: { readonly name: string; readonly params: TSchema }, params: unknown): void {
  if (!validatorOf(spec.params).Check(params)) {
    const errors = schemaErrors(spec.params, params);
    throw rpcError(RpcErrorCode.BAD_REQUEST, `invalid params for ${spec.name}: ${errors.join('; ')}`, { errors });
  }
}

/** An unexpected failure becomes RPC_INTERNAL (logged by the caller); a BabyError keeps its code. */
export function asBabyError(err: unknown): BabyError {
  return isBabyError(err) ? err : rpcError(RpcErrorCode.INTERNAL, 'internal error');
}

export function errorResponse(id: JsonRpcId, err: BabyError): JsonRpcResponse {
  const info = errorInfo(err);
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: jsonRpcNumberOf(info.code),
      message: info.message,
      data: info.meta === undefined ? { code: info.code } : { code: info.code, meta: info.meta },
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const validId = (id: unknown): id is JsonRpcId =>
  id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

export interface DispatchOptions {
  readonly ctx: MethodContext;
  /** transport-only methods, looked up before the shared ones */
  readonly extra?: ReadonlyMap<string, ExtraMethod>;
  /** checks a method's result against its schema (RpcServerOptions.checkResponses) */
  readonly checkResult?: (spec: MethodSpec, result: unknown) => void;
  readonly onInternalError?: (err: unknown, method: string) => void;
  /** RPC-10: takes `units` requests (default 1) from the client's shared budget, or returns the refusal */
  readonly take?: (units?: number) => RateRefusal | undefined;
  /** requests the transport already took for this body (an HTTP request pays for its first) */
  readonly prepaid?: number;
  /** RPC-10: the answers to one body stop at this many bytes; later requests are answered RPC_TOO_LARGE */
  readonly maxAnswerBytes?: number;
  /** told when the body's requests ran past the budget or the answer bytes */
  readonly onLimit?: (limit: 'rate' | 'answer bytes', details: Record<string, unknown>) => void;
  /** RPC-10: a body with a request refused for the rate is answered after this wait */
  readonly delayRefusal?: (refusal: RateRefusal) => Promise<void>;
}

/** RPC-10: a call that costs more than one request takes the rest from the budget before it runs. */
function chargeCost(spec: MethodSpec, params: unknown, o: DispatchOptions): void {
  const more = costBeyondFirst(spec, params);
  if (more <= 0) return;
  const refusal = o.take?.(more);
  if (refusal === undefined) return;
  o.onLimit?.('rate', refusal.meta);
  throw refusal;
}

/** One request object: its response, or undefined for a notification (no `id`). */
async function dispatchOne(request: unknown, o: DispatchOptions): Promise<JsonRpcResponse | undefined> {
  if (!isObject(request)) {
    return errorResponse(null, rpcError(RpcErrorCode.INVALID_REQUEST, 'a request is a JSON object'));
  }
  const hasId = Object.hasOwn(request, 'id');
  const id = hasId && validId(request['id']) ? request['id'] : null;
  const { jsonrpc, method, params } = request;
  const invalid =
    jsonrpc !== '2.0'
      ? 'jsonrpc must be "2.0"'
      : typeof method !== 'string'
        ? 'method must be a string'
        : hasId && !validId(request['id'])
          ? 'id must be a string, a number or null'
          : params !== undefined && !isObject(params) && !Array.isArray(params)
            ? 'params must be an object'
            : undefined;
  if (invalid !== undefined) return errorResponse(id, rpcError(RpcErrorCode.INVALID_REQUEST, invalid));
  const name = method as string;
  let result: unknown;
  try {
    const extra = o.extra?.get(name);
    if (Array.isArray(params)) {
      throw rpcError(RpcErrorCode.BAD_REQUEST, 'params are passed by name, as an object');
    }
    if (extra !== undefined) {
      result = await extra(params ?? {});
    } else {
      const spec = METHODS_BY_NAME.get(name);
      if (spec === undefined) {
        const hint = name === 'subscribe' || name === 'unsubscribe' ? ' (subscriptions are served at GET /ws)' : '';
        throw rpcError(RpcErrorCode.UNKNOWN_METHOD, `unknown method ${JSON.stringify(name)}${hint}`, {
          method: name,
        });
      }
      const p = params ?? {};
      checkParams(spec, p);
      chargeCost(spec, p, o);
      result = await spec.handler(o.ctx, p as never);
      o.checkResult?.(spec, result);
    }
  } catch (err) {
    if (!isBabyError(err)) o.onInternalError?.(err, name);
    return hasId ? errorResponse(id, asBabyError(err)) : undefined;
  }
  return hasId ? { jsonrpc: '2.0', id, result } : undefined;
}

/**
 * A JSON-RPC body (text): the response to send, an array for a batch, or undefined when nothing is to be sent
 * (only notifications).
 */
export async function dispatch(
  text: string,
  o: DispatchOptions,
): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return errorResponse(null, rpcError(RpcErrorCode.PARSE_ERROR, 'the body is not valid JSON'));
  }
  if (!Array.isArray(parsed)) return (await dispatchBounded([parsed], o))[0];
  if (parsed.length === 0) return errorResponse(null, rpcError(RpcErrorCode.INVALID_REQUEST, 'an empty batch'));
  if (parsed.length > MAX_BATCH) {
    return errorResponse(
      null,
      rpcError(RpcErrorCode.INVALID_REQUEST, `a batch holds at most ${MAX_BATCH} requests, not ${parsed.length}`, {
        max: MAX_BATCH,
        size: parsed.length,
      }),
    );
  }
  const sent = (await dispatchBounded(parsed, o)).filter((r): r is JsonRpcResponse => r !== undefined);
  return sent.length === 0 ? undefined : sent;
}

/**
 * The requests of one body in order, one at a time, each paying one request of the shared budget (RPC-10), and
 * each refused once the answers so far passed `maxAnswerBytes`: a 1.75 KB batch cannot ask for megabytes.
 */
async function dispatchBounded(
  requests: readonly unknown[],
  o: DispatchOptions,
): Promise<(JsonRpcResponse | undefined)[]> {
  const out: (JsonRpcResponse | undefined)[] = [];
  const maxBytes = o.maxAnswerBytes ?? Number.POSITIVE_INFINITY;
  let bytes = 0;
  let warned = false;
  // every rate refusal of the body comes from its budget: the first one sets the wait before the answer
  let rateRefusal: RateRefusal | undefined;
  const take = (units?: number): RateRefusal | undefined => {
    const refusal = o.take?.(units);
    rateRefusal ??= refusal;
    return refusal;
  };
  const inner: DispatchOptions = { ...o, take };
  for (const [i, request] of requests.entries()) {
    const refusal =
      i < (o.prepaid ?? 0)
        ? undefined
        : bytes > maxBytes
          ? rpcError(RpcErrorCode.TOO_LARGE, `the answers to one request body are limited to ${maxBytes} bytes`, {
              maxAnswerBytes: maxBytes,
            })
          : inner.take?.();
    if (refusal !== undefined) {
      if (!warned) o.onLimit?.(refusal.code === RpcErrorCode.TOO_LARGE ? 'answer bytes' : 'rate', refusal.meta);
      warned = true;
      out.push(refused(request, refusal));
      continue;
    }
    const response = await dispatchOne(request, inner);
    if (response !== undefined && maxBytes !== Number.POSITIVE_INFINITY) bytes += JSON.stringify(response).length;
    out.push(response);
  }
  if (rateRefusal !== undefined) await o.delayRefusal?.(rateRefusal);
  return out;
}

/** The error answer to a request refused before it ran (undefined for a notification). */
function refused(request: unknown, err: BabyError): JsonRpcResponse | undefined {
  if (!isObject(request)) return errorResponse(null, err);
  if (!Object.hasOwn(request, 'id')) return undefined;
  return errorResponse(validId(request['id']) ? request['id'] : null, err);
}
