/**
 * The RPC layer's own codes (specs/rpc.md RPC-12), and how any BabyError becomes a REST or JSON-RPC error
 * (RPC-13, RPC-14). Every other error carries the code of the rule it broke, unchanged.
 */
import { type BabyError, type ErrorMeta, errorHelper, toHex } from '@babychain/codec';

export const RpcErrorCode = {
  NOT_FOUND: 'RPC_NOT_FOUND',
  /** the route exists, not with this HTTP method */
  METHOD_NOT_ALLOWED: 'RPC_METHOD_NOT_ALLOWED',
  /** RPC-5: the transaction left this node's mempool without being committed, and will not be through it */
  TX_DROPPED: 'RPC_TX_DROPPED',
  BAD_REQUEST: 'RPC_BAD_REQUEST',
  PARSE_ERROR: 'RPC_PARSE_ERROR',
  INVALID_REQUEST: 'RPC_INVALID_REQUEST',
  UNKNOWN_METHOD: 'RPC_UNKNOWN_METHOD',
  TOO_LARGE: 'RPC_TOO_LARGE',
  RATE_LIMITED: 'RPC_RATE_LIMITED',
  TIMEOUT: 'RPC_TIMEOUT',
  INTERNAL: 'RPC_INTERNAL',
} as const;
export type RpcErrorCodeValue = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<RpcErrorCodeValue, ErrorMeta> {
    /** the request named by its height, hash or id, or a subscription this connection does not hold */
    [RpcErrorCode.NOT_FOUND]: ErrorMeta & {
      id?: string;
      pending?: true;
      height?: string;
      hash?: string;
      subscription?: string;
    };
    [RpcErrorCode.METHOD_NOT_ALLOWED]: ErrorMeta & { allowed: string[] };
    [RpcErrorCode.TX_DROPPED]: ErrorMeta & { id: string; reason: string; code: string; message: string };
    /** what broke: schema errors, an out-of-range height, a limit, or a transport status under 500 */
    [RpcErrorCode.BAD_REQUEST]: ErrorMeta & {
      errors?: string[];
      from?: string;
      to?: string;
      height?: string;
      max?: number;
      status?: number;
      /** RPC-16: a cursor this node cannot read */
      cursor?: string;
      /** RPC-16, RPC-17: an out-of-range page size or window */
      limit?: string;
      blocks?: string;
    };
    [RpcErrorCode.INVALID_REQUEST]: ErrorMeta & { max?: number; size?: number };
    [RpcErrorCode.UNKNOWN_METHOD]: ErrorMeta & { method: string };
    [RpcErrorCode.TOO_LARGE]: ErrorMeta & { maxAnswerBytes?: number };
    /** RPC-10: the budget, and when the client's window turns */
    [RpcErrorCode.RATE_LIMITED]: ErrorMeta & { max: number; windowMs: number; retryAfterMs: number };
    [RpcErrorCode.TIMEOUT]: ErrorMeta & { id?: string; timeoutMs?: number; closing?: true };
  }
}

/** RPC-10: what a client over its budget is answered. */
export type RateRefusal = BabyError<typeof RpcErrorCode.RATE_LIMITED>;

export const rpcError = errorHelper<RpcErrorCodeValue>();

/** RPC-5: a transaction this node's mempool let go, with the rule's code and reason. */
export function txDropped(id: string, dropped: { reason: string; code: string; message: string }): BabyError {
  return rpcError(
    RpcErrorCode.TX_DROPPED,
    `transaction ${id} left the mempool uncommitted (${dropped.code}): ${dropped.message}`,
    { id, ...dropped },
  );
}

/** JSON-RPC 2.0 error numbers (RPC-14). */
export const JsonRpcNumber = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  /** every other refusal: a spec rule's code, RPC_NOT_FOUND, RPC_TIMEOUT, RPC_RATE_LIMITED */
  REFUSED: -32000,
} as const;

const HTTP_STATUS: Readonly<Record<string, number>> = {
  [RpcErrorCode.NOT_FOUND]: 404,
  [RpcErrorCode.METHOD_NOT_ALLOWED]: 405,
  [RpcErrorCode.TX_DROPPED]: 410,
  [RpcErrorCode.UNKNOWN_METHOD]: 404,
  [RpcErrorCode.TOO_LARGE]: 413,
  [RpcErrorCode.RATE_LIMITED]: 429,
  [RpcErrorCode.INTERNAL]: 500,
  [RpcErrorCode.TIMEOUT]: 504,
};

/** Codes of the node's own storage and lifecycle: the node failed, not the request. */
const SERVER_SIDE = /^(STATE|NODE)_/;

/** RPC-13: the HTTP status of a REST error with this code. */
export function httpStatusOf(code: string): number {
  return HTTP_STATUS[code] ?? (SERVER_SIDE.test(code) ? 500 : 400);
}

/** RPC-14: the JSON-RPC error number of this code. */
export function jsonRpcNumberOf(code: string): number {
  switch (code) {
    case RpcErrorCode.PARSE_ERROR:
      return JsonRpcNumber.PARSE_ERROR;
    case RpcErrorCode.INVALID_REQUEST:
    case RpcErrorCode.TOO_LARGE:
      return JsonRpcNumber.INVALID_REQUEST;
    case RpcErrorCode.UNKNOWN_METHOD:
      return JsonRpcNumber.METHOD_NOT_FOUND;
    case RpcErrorCode.BAD_REQUEST:
      return JsonRpcNumber.INVALID_PARAMS;
    case RpcErrorCode.INTERNAL:
      return JsonRpcNumber.INTERNAL;
    default:
      return SERVER_SIDE.test(code) ? JsonRpcNumber.INTERNAL : JsonRpcNumber.REFUSED;
  }
}

/**
 * RPC-13: error metadata as JSON: bigint as a decimal string, bytes as hex, errors as their message; functions,
 * symbols and undefined values are dropped, and nesting stops at depth 4.
 */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString(10);
  if (value instanceof Uint8Array) return toHex(value);
  if (value instanceof Error) return value.message;
  if (typeof value !== 'object' || depth >= 4) return undefined;
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const safe = jsonSafe(v, depth + 1);
    if (safe !== undefined) out[k] = safe;
  }
  return out;
}

/** What a REST error body and a JSON-RPC error's `data` carry. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly meta?: Record<string, unknown>;
}

/** The stable code, message and JSON-safe meta of an error (BabyError or a fastify/transport error). */
export function errorInfo(err: BabyError): ErrorInfo {
  const meta = jsonSafe(err.meta) as Record<string, unknown>;
  return Object.keys(meta).length === 0
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, meta };
}
