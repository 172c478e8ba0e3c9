/**
 * RPC-9: `GET /ws` speaks JSON-RPC 2.0 over a websocket. Every method of the HTTP API is available, plus
 * `subscribe` (`{ event: "blocks" }` or `{ event: "tx", id }`) and `unsubscribe` (`{ subscription }`).
 *
 * RPC-10 on one connection: each request takes from the client's shared budget; at most `maxInFlightPerConnection`
 * are answered at once, the rest wait unread (the socket stops reading while any wait); answers to one message stop
 * at `maxAnswerBytes`; a client that leaves more than `maxBufferedBytes` unsent, or answers no ping within
 * `idleTimeoutMs`, is closed. A client that does not read loses its connection, never the node its memory.
 */
import { SubscribeParams, UnsubscribeParams } from '@babychain/api';
import type { WebSocket } from '@fastify/websocket';
import type { BlockEvent, DroppedTx, RpcBackend } from './backend.ts';
import { RpcErrorCode, rpcError } from './errors.ts';
import type { LimitLog, RequestBudget, RpcLimits } from './guard.ts';
import type { DispatchOptions, ExtraMethod } from './jsonrpc.ts';
import { checkParams, dispatch, errorResponse } from './jsonrpc.ts';
import type { MethodContext } from './methods.ts';

/** RPC-9: subscriptions one connection may hold. */
export const MAX_SUBSCRIPTIONS = 100;
/** RPC-10: the largest websocket message accepted. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;
/** How long a connection closed for breaking a limit has to read the close frame before it is cut. */
const CLOSE_GRACE_MS = 1000;
/** Request text read but not yet dispatched, at most: what arrived before the socket stopped reading. */
const MAX_WAITING_BYTES = 1024 * 1024;
/** The websocket's route: its limit hits are counted under it. */
export const WS_ROUTE = '/ws';

export interface SocketGuards {
  readonly client: string;
  readonly limits: RpcLimits;
  readonly budget: RequestBudget;
  readonly log: LimitLog;
}

/** Serves one websocket connection until it closes. */
export function serveSocket(
  socket: WebSocket,
  ctx: MethodContext,
  dispatchOptions: Omit<DispatchOptions, 'ctx' | 'extra'>,
  guards: SocketGuards,
): void {
  const { client, limits, budget, log } = guards;
  const subscriptions = new Map<string, () => void>();
  let next = 1;

  /** Closes a connection that broke a limit, once, naming the client in the (rate-limited) warn log. */
  const drop = (limit: string, reason: string, details: Record<string, unknown>, code = 1008): void => {
    if (socket.readyState !== socket.OPEN) return;
    log.hit(client, limit, WS_ROUTE, details);
    socket.close(code, reason);
    // A client that does not read will not read the close frame either: the socket goes after a grace period.
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  };
  const overBuffered = (): boolean => {
    if (socket.bufferedAmount <= limits.maxBufferedBytes) return false;
    drop('unsent bytes', 'slow consumer', { buffered: socket.bufferedAmount, max: limits.maxBufferedBytes });
    return true;
  };
  const send = (message: unknown): void => {
    if (socket.readyState !== socket.OPEN || overBuffered()) return;
    socket.send(JSON.stringify(message));
  };
  const notify = (method: string, params: Record<string, unknown>) => send({ jsonrpc: '2.0', method, params });

  const subscribe: ExtraMethod = async (params) => {
    checkParams({ name: 'subscribe', params: SubscribeParams }, params);
    if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw rpcError(RpcErrorCode.BAD_REQUEST, `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`, {
        max: MAX_SUBSCRIPTIONS,
      });
    }
    const p = params as { event: 'blocks' } | { event: 'tx'; id: string };
    const subscription = String(next++);
    if (p.event === 'blocks') {
      subscriptions.set(
        subscription,
        ctx.backend.subscribeBlocks((e: BlockEvent) => notify('block', { ...e.summary, txIds: e.txIds, subscription })),
      );
      return { subscription };
    }
    let done = false;
    /** `{ height, index }` once committed, or `{ dropped }` once this node's mempool let it go (RPC-5) */
    const finish = (outcome: { readonly height: string; readonly index: number } | { readonly dropped: DroppedTx }) => {
      if (done) return;
      done = true;
      subscriptions.get(subscription)?.();
      subscriptions.delete(subscription);
      notify('tx', { id: p.id, ...outcome, subscription });
    };
    const dropped = () => {
      const why = ctx.backend.dropped(p.id);
      if (why !== undefined) finish({ dropped: why });
    };
    subscriptions.set(
      subscription,
      ctx.backend.subscribeBlocks((e: BlockEvent) => {
        const index = e.txIds.indexOf(p.id);
        if (index >= 0) finish({ height: e.summary.height, index });
        else dropped();
      }),
    );
    // Already committed or dropped: notify at once, after the subscribe answer.
    let committed: Awaited<ReturnType<RpcBackend['tx']>>;
    try {
      committed = await ctx.backend.tx(p.id);
    } catch (err) {
      // the client gets the error, not the subscription id: nothing may stay subscribed
      subscriptions.get(subscription)?.();
      subscriptions.delete(subscription);
      throw err;
    }
    setImmediate(() => {
      if (committed !== undefined && !('pending' in committed)) {
        finish({ height: committed.height, index: committed.index });
      } else dropped();
    });
    return { subscription };
  };

  const unsubscribe: ExtraMethod = async (params) => {
    checkParams({ name: 'unsubscribe', params: UnsubscribeParams }, params);
    const { subscription } = params as { subscription: string };
    const stop = subscriptions.get(subscription);
    if (stop === undefined) {
      throw rpcError(RpcErrorCode.NOT_FOUND, `no subscription ${subscription} on this connection`, { subscription });
    }
    stop();
    subscriptions.delete(subscription);
    return { ok: true };
  };

  const extra = new Map<string, ExtraMethod>([
    ['subscribe', subscribe],
    ['unsubscribe', unsubscribe],
  ]);

  const options: DispatchOptions = {
    ...dispatchOptions,
    ctx,
    extra,
    take: (units) => budget.take(client, units),
    // each message paid one request before it was read (pump), whatever it holds: a batch's first member is paid
    prepaid: 1,
    maxAnswerBytes: limits.maxAnswerBytes,
    onLimit: (limit, details) => log.hit(client, limit, WS_ROUTE, details),
  };
  const waiting: string[] = [];
  let waitingBytes = 0;
  let inFlight = 0;
  let paused = false;
  /** One message: it pays one request first (RPC-10), so that malformed text costs its sender like any request. */
  const answer = async (text: string) => {
    const refusal = budget.take(client);
    if (refusal === undefined) return dispatch(text, options);
    log.hit(client, 'rate', WS_ROUTE, refusal.meta);
    await options.delayRefusal?.(refusal);
    return errorResponse(null, refusal);
  };
  /** Dispatches what waits while the connection has room; reads from the socket only while nothing waits. */
  const pump = (): void => {
    while (inFlight < limits.maxInFlightPerConnection && waiting.length > 0) {
      if (socket.readyState !== socket.OPEN || overBuffered()) return;
      const text = waiting.shift() as string;
      waitingBytes -= text.length;
      inFlight++;
      void answer(text)
        .then((response) => {
          if (response !== undefined) send(response);
        })
        .finally(() => {
          inFlight--;
          // The next message after the event loop's turn: a burst of cheap requests cannot starve other clients.
          setImmediate(pump);
        });
    }
    if (waiting.length > 0 && !paused) socket.pause();
    if (waiting.length === 0 && paused) socket.resume();
    paused = waiting.length > 0;
  };
  // Idle: a ping every idleTimeoutMs / 2; a connection with no message and no pong since the last one is gone.
  let alive = true;
  socket.on('message', (data, isBinary) => {
    alive = true;
    if (isBinary) {
      drop('binary frame', 'JSON-RPC text frames only', {}, 1003);
      return;
    }
    const text = data.toString();
    waiting.push(text);
    waitingBytes += text.length;
    // Messages already read when the socket paused still arrive; more than this is a client ignoring backpressure.
    if (waitingBytes > MAX_WAITING_BYTES) {
      drop('waiting messages', 'too many requests waiting', { waitingBytes });
      return;
    }
    pump();
  });

  socket.on('pong', () => {
    alive = true;
  });
  const ping = setInterval(() => {
    if (!alive) {
      log.hit(client, 'idle websocket', WS_ROUTE, { idleTimeoutMs: limits.idleTimeoutMs });
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, limits.idleTimeoutMs / 2);
  ping.unref();

  socket.on('close', () => {
    clearInterval(ping);
    waiting.length = 0;
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
  socket.on('error', () => socket.terminate());
}
