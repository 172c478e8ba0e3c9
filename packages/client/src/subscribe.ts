/**
 * Committed blocks as the node announces them over its websocket (specs/rpc.md RPC-9): a wallet or a load generator
 * learns of inclusion from one small notification per block instead of fetching every block in full. Uses the
 * global `WebSocket` (Node 22+ and browsers).
 */
import { type BlockEvent, readBlockEvent } from './answers.ts';
import { object } from './decode.ts';
import { ClientErrorCode, clientError } from './errors.ts';

export interface BlockSubscription {
  /** settles once the node confirmed the subscription; rejects with CLIENT_UNREACHABLE or the node's error */
  readonly ready: Promise<void>;
  /** ends the subscription and the connection; no `onError` follows */
  close(): void;
}

export interface SubscribeOptions {
  /** the connection ended or a notification was malformed (CLIENT_UNREACHABLE, CLIENT_BAD_RESPONSE) */
  readonly onError?: (error: Error) => void;
}

const SUBSCRIBE_ID = 1;

/** Calls `onBlock` for every block the node at `url` (its RPC base URL) commits from now on, in height order. */
export function subscribeBlocks(
  url: string,
  onBlock: (block: BlockEvent) => void,
  options: SubscribeOptions = {},
): BlockSubscription {
  const wsUrl = `${url.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws`;
  const socket = new WebSocket(wsUrl);
  let closing = false;
  let confirmed = false;
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (error: Error): void => {
    if (closing) return;
    closing = true;
    socket.close();
    if (!confirmed) settle?.reject(error);
    else options.onError?.(error);
  };
  socket.addEventListener('open', () => {
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: SUBSCRIBE_ID, method: 'subscribe', params: { event: 'blocks' } }));
  });
  socket.addEventListener('message', (event: MessageEvent) => {
    try {
      const msg = object(JSON.parse(String(event.data)), 'message');
      if (msg['id'] === SUBSCRIBE_ID) {
        const error = msg['error'];
        if (error !== undefined) {
          const e = object(error, 'error');
          throw clientError(
            ClientErrorCode.BAD_RESPONSE,
            `the node refused the subscription: ${String(e['message'])}`,
            {
              error: e['data'],
            },
          );
        }
        confirmed = true;
        settle?.resolve();
        return;
      }
      if (msg['method'] !== 'block') return;
      onBlock(readBlockEvent(msg['params']));
    } catch (err) {
      fail(err as Error);
    }
  });
  socket.addEventListener('error', () => {
    fail(clientError(ClientErrorCode.UNREACHABLE, `websocket ${wsUrl} failed`, { url: wsUrl }));
  });
  socket.addEventListener('close', (event: CloseEvent) => {
    fail(clientError(ClientErrorCode.UNREACHABLE, `websocket ${wsUrl} closed (${event.code})`, { code: event.code }));
  });
  return {
    ready,
    close: () => {
      if (closing) return;
      closing = true;
      socket.close();
      if (!confirmed) settle?.reject(clientError(ClientErrorCode.UNREACHABLE, 'subscription closed before it started'));
    },
  };
}
