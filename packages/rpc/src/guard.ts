/**
 * RPC-10's bounds on clients: one request budget per client shared by every way in (HTTP requests, JSON-RPC batch
 * members, websocket messages), connection caps, and warn-level lines naming the client that hit a limit, rate
 * limited themselves so that an abusive client cannot flood the log either.
 */

import { isIPv6, type Socket } from 'node:net';
import type { RpcLogger } from './backend.ts';
import { type RateRefusal, RpcErrorCode, rpcError } from './errors.ts';

/** RPC-10's limits; DEFAULT_RPC_LIMITS documents each default. */
export interface RpcLimits {
  /** requests per window and client, shared by HTTP requests, JSON-RPC batch members and websocket messages */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** open connections (HTTP and websocket) the server accepts in all */
  readonly maxConnections: number;
  /** open connections one client address may hold */
  readonly maxConnectionsPerClient: number;
  /** requests of one websocket connection being answered at once; further messages wait, unread */
  readonly maxInFlightPerConnection: number;
  /** bytes of answers to one request body (a batch's members together, one websocket message) */
  readonly maxAnswerBytes: number;
  /** bytes a websocket connection may leave unsent before the node closes it (a client that does not read) */
  readonly maxBufferedBytes: number;
  /** a request's headers must arrive within this (slowloris) */
  readonly headersTimeoutMs: number;
  /** a whole request, headers and body, must arrive within this (at least headersTimeoutMs) */
  readonly requestTimeoutMs: number;
  /** an HTTP connection without a request, or a websocket without a message or pong, is closed after this */
  readonly idleTimeoutMs: number;
  /**
   * a refusal for the rate is answered after this (or when the window turns, if sooner): a client that ignores
   * retry-after waits instead of keeping the node busy refusing it
   */
  readonly refusalDelayMs: number;
}

export const DEFAULT_RPC_LIMITS: Readonly<RpcLimits> = Object.freeze({
  rateLimit: Object.freeze({ max: 600, windowMs: 10_000 }),
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

/** Waits before a rate refusal is answered (RPC-10): `delayMs`, or until the refusal's window turns if sooner. */
export function delayRefusal(refusal: RateRefusal, delayMs: number): Promise<void> {
  const ms = Math.min(delayMs, refusal.meta.retryAfterMs);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Clients tracked per window at most; beyond, the newcomers of that window share one budget. */
const MAX_TRACKED_CLIENTS = 100_000;
const OVERFLOW_CLIENT = '(too many clients)';
/** Warn lines per window at most, whatever the number of clients. */
const MAX_WARNINGS_PER_WINDOW = 20;

/**
 * The client an address counts as (RPC-15): an IPv4 address (IPv4-mapped IPv6 too) is itself, an IPv6 address its
 * /64, the smallest block one subscriber gets: rotating through it buys no fresh budget or connections.
 */
export function clientOf(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** "10 s", "1.5 s", "250 ms": how a window reads in a message. */
export function describeWindow(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * A fixed-window budget per client. Windows are aligned to the clock, so one map serves every client and is
 * dropped whole when the window turns: memory is bounded by the clients of one window.
 */
export class RequestBudget {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #window = -1;
  #used = new Map<string, number>();

  constructor(limit: RpcLimits['rateLimit'], now: () => number = Date.now) {
    this.#max = limit.max;
    this.#windowMs = limit.windowMs;
    this.#now = now;
  }

  /** Takes `units` from the client's budget: undefined when it had them, else the RPC_RATE_LIMITED refusal. */
  take(client: string, units = 1): RateRefusal | undefined {
    const now = this.#now();
    const window = Math.floor(now / this.#windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#used = new Map();
    }
    const who = clientOf(client);
    const key = this.#used.has(who) || this.#used.size < MAX_TRACKED_CLIENTS ? who : OVERFLOW_CLIENT;
    const used = (this.#used.get(key) ?? 0) + units;
    this.#used.set(key, used);
    if (used <= this.#max) return undefined;
    const retryAfterMs = (window + 1) * this.#windowMs - now;
    return rpcError(
      RpcErrorCode.RATE_LIMITED,
      `at most ${this.#max} requests per ${describeWindow(this.#windowMs)} from one client ` +
        `(HTTP requests, JSON-RPC batch members and websocket messages together); the window turns in ` +
        `${describeWindow(retryAfterMs)}`,
      { max: this.#max, windowMs: this.#windowMs, retryAfterMs },
    );
  }
}

/** What the server tells the operator's metrics: every answered HTTP request and every limit a client hit. */
export interface RpcObserver {
  /** `route` is the matched route pattern (`/blocks/:height`), or `unmatched` */
  request(route: string, status: number, seconds: number): void;
  /** `route` as above, or `connection` for the connection caps and the headers timeout */
  limitHit(route: string, limit: string): void;
}

/** The route label of what no route matched, and of limits that bind a connection before any request. */
export const UNMATCHED_ROUTE = 'unmatched';
export const CONNECTION_ROUTE = 'connection';

/**
 * Warn lines naming the client that hit a limit: at most one per client, limit and window, and a few per window.
 * The observer counts every hit, logged or not.
 */
export class LimitLog {
  readonly #logger: RpcLogger | undefined;
  readonly #windowMs: number;
  readonly #observer: RpcObserver | undefined;
  readonly #now: () => number;
  #window = -1;
  #seen = new Set<string>();
  #lines = 0;
  #suppressed = 0;

  constructor(logger: RpcLogger | undefined, windowMs: number, observer?: RpcObserver, now: () => number = Date.now) {
    this.#logger = logger;
    this.#windowMs = windowMs;
    this.#observer = observer;
    this.#now = now;
  }

  hit(client: string, limit: string, route: string, details: Record<string, unknown> = {}): void {
    this.#observer?.limitHit(route, limit);
    const window = Math.floor(this.#now() / this.#windowMs);
    if (window !== this.#window) {
      if (this.#suppressed > 0) {
        this.#logger?.warn('rpc clients hit limits; lines left out', { suppressed: this.#suppressed });
      }
      this.#window = window;
      this.#seen = new Set();
      this.#lines = 0;
      this.#suppressed = 0;
    }
    const key = `${client} ${limit}`;
    if (this.#seen.has(key)) return;
    if (this.#lines >= MAX_WARNINGS_PER_WINDOW) {
      this.#suppressed++;
      return;
    }
    this.#seen.add(key);
    this.#lines++;
    this.#logger?.warn('rpc client hit a limit', { client, limit, ...details });
  }
}

/** The connection caps: counts open sockets in all and per client address, and destroys those past a cap. */
export class ConnectionCaps {
  readonly #max: number;
  readonly #perClient: number;
  readonly #log: LimitLog;
  readonly #open = new Map<string, number>();
  #total = 0;

  constructor(limits: Pick<RpcLimits, 'maxConnections' | 'maxConnectionsPerClient'>, log: LimitLog) {
    this.#max = limits.maxConnections;
    this.#perClient = limits.maxConnectionsPerClient;
    this.#log = log;
  }

  get total(): number {
    return this.#total;
  }

  /** Counts a new socket until it closes, or destroys it at once when a cap is reached. */
  admit(socket: Socket): void {
    const client = clientOf(socket.remoteAddress ?? 'unknown');
    const held = this.#open.get(client) ?? 0;
    if (this.#total >= this.#max || held >= this.#perClient) {
      const limit = held >= this.#perClient ? 'connections per client' : 'connections';
      this.#log.hit(client, limit, CONNECTION_ROUTE, { open: held, total: this.#total });
      socket.destroy();
      return;
    }
    this.#open.set(client, held + 1);
    this.#total++;
    socket.once('close', () => {
      this.#total--;
      const left = (this.#open.get(client) ?? 1) - 1;
      if (left === 0) this.#open.delete(client);
      else this.#open.set(client, left);
    });
  }
}
