/**
 * RPC-9: `GET /ws` speaks JSON-RPC 2.0 over a websocket. Every method of the HTTP API is available, plus
 * `subscribe` (`{ event: "blocks" }` or `{ event: "tx", id }`) and `unsubscribe` (`{ subscription }`).
 */
import type { WebSocket } from '@fastify/websocket';
import type { BlockEvent, JsonObject, RpcLogger } from './backend.ts';
import { RpcErrorCode, rpcError } from './errors.ts';
import type { DispatchOptions, ExtraMethod } from './jsonrpc.ts';
import { checkParams, dispatch } from './jsonrpc.ts';
import type { MethodContext } from './methods.ts';
import { SubscribeParams, UnsubscribeParams } from './schemas.ts';

/** RPC-9: subscriptions one connection may hold. */
export const MAX_SUBSCRIPTIONS = 100;
/** RPC-9: a connection whose unsent notifications exceed this many bytes is closed (a slow consumer). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** RPC-10: the largest websocket message accepted. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

/** Serves one websocket connection until it closes. */
export function serveSocket(
  socket: WebSocket,
  ctx: MethodContext,
  dispatchOptions: Omit<DispatchOptions, 'ctx' | 'extra'>,
  logger: RpcLogger | undefined,
): void {
  const subscriptions = new Map<string, () => void>();
  let next = 1;

  const send = (message: unknown): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      logger?.debug('closing a slow websocket consumer', { buffered: socket.bufferedAmount });
      socket.close(1008, 'slow consumer');
      return;
    }
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
    const finish = (outcome: JsonObject) => {
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
        if (index >= 0) finish({ height: e.summary['height'], index });
        else dropped();
      }),
    );
    // Already committed or dropped: notify at once, after the subscribe answer.
    const committed = await ctx.backend.tx(p.id);
    setImmediate(() => {
      if (committed !== undefined && committed['pending'] !== true) {
        finish({ height: committed['height'], index: Number(committed['index']) });
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

  socket.on('message', (data, isBinary) => {
    const text = isBinary ? '' : data.toString();
    void dispatch(text, { ...dispatchOptions, ctx, extra }).then((response) => {
      if (response !== undefined) send(response);
    });
  });
  socket.on('close', () => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
  socket.on('error', (err) => logger?.debug('websocket error', {}, err));
}
