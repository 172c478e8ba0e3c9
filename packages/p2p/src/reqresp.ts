/**
 * The one-shot request/response wire: one unsigned-varint length-prefixed request and one length-prefixed response
 * per stream, sizes checked from the prefix before the body is buffered (README, API and Limits). Kept out of
 * host.ts, which registers protocols and counts; this is what happens on one stream.
 */
import { isBabyError } from '@babychain/codec';
import type { Logger } from '@babychain/util';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { errorMessage, P2pErrorCode, p2pError } from './errors.ts';

export type RequestHandler = (request: Uint8Array, from: string) => Promise<Uint8Array>;

export interface RequestLimits {
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
}

export interface RequestOptions {
  /** default 5000 */
  readonly timeoutMs?: number;
  /** default DEFAULT_MAX_RESPONSE_BYTES */
  readonly maxResponseBytes?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Points a peer loses for a request larger than the protocol's maxRequestBytes. */
export const OVERSIZE_REQUEST_PENALTY = 50;
/** Points a peer loses when a request handler throws a `P2P_BAD*` BabyError. */
export const BAD_REQUEST_PENALTY = 20;
/** How long an inbound stream may take to deliver its request. */
export const INBOUND_REQUEST_READ_TIMEOUT_MS = 10_000;
/** Bytes of a length prefix: a varint of a safe integer is at most 8 bytes; 10 covers any uint64. */
const MAX_VARINT_BYTES = 10;

/** Errors of @libp2p/utils' length-prefixed reader that mean "the frame is larger than allowed". */
function isOversizeError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'InvalidDataLengthError' ||
    err.name === 'InvalidDataLengthLengthError' ||
    err.name === 'StreamBufferError'
  );
}

/** What serving a stream reports to its host. */
export interface ServeContext {
  readonly log: Logger;
  penalize(peer: string, points: number, reason: string): void;
}

/**
 * Reads one request from `stream`, answers it with `handler`'s response. An oversize request resets the stream and
 * costs the sender OVERSIZE_REQUEST_PENALTY; a handler that throws closes it without a response, and a `P2P_BAD*`
 * BabyError also costs the sender BAD_REQUEST_PENALTY.
 */
export async function serveRequest(
  protocol: string,
  handler: RequestHandler,
  limits: RequestLimits,
  stream: Stream,
  connection: Connection,
  ctx: ServeContext,
): Promise<void> {
  const from = connection.remotePeer.toString();
  const lp = lpStream(stream, {
    maxDataLength: limits.maxRequestBytes,
    maxBufferSize: limits.maxRequestBytes + MAX_VARINT_BYTES,
  });
  let request: Uint8Array;
  try {
    request = (await lp.read({ signal: AbortSignal.timeout(INBOUND_REQUEST_READ_TIMEOUT_MS) })).subarray();
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    if (isOversizeError(err)) {
      ctx.penalize(from, OVERSIZE_REQUEST_PENALTY, `oversize request on ${protocol}`);
    } else {
      ctx.log.debug('p2p: could not read request', { protocol, peer: from, err: errorMessage(err) });
    }
    return;
  }
  let response: Uint8Array;
  try {
    response = await handler(request, from);
  } catch (err) {
    if (isBabyError(err) && err.code.startsWith('P2P_BAD')) {
      ctx.penalize(from, BAD_REQUEST_PENALTY, `${err.code} on ${protocol}: ${err.message}`);
    } else {
      ctx.log.warn('p2p: request handler threw', { protocol, peer: from, err: errorMessage(err) });
    }
    await stream.close().catch((e: unknown) => stream.abort(e instanceof Error ? e : new Error(String(e))));
    return;
  }
  if (response.byteLength > limits.maxResponseBytes) {
    ctx.log.error('p2p: response larger than maxResponseBytes, not sent', {
      protocol,
      peer: from,
      size: response.byteLength,
      max: limits.maxResponseBytes,
    });
    stream.abort(new Error('response too large'));
    return;
  }
  try {
    await lp.write(response, { signal: AbortSignal.timeout(INBOUND_REQUEST_READ_TIMEOUT_MS) });
    await stream.close({ signal: AbortSignal.timeout(INBOUND_REQUEST_READ_TIMEOUT_MS) });
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    ctx.log.debug('p2p: could not send response', { protocol, peer: from, err: errorMessage(err) });
  }
}

/**
 * Sends one request to `peer` (`target` once parsed) and reads its response. Rejects with P2P_TIMEOUT after
 * `timeoutMs`, P2P_MESSAGE_TOO_LARGE when the response exceeds `maxResponseBytes`, P2P_REQUEST_FAILED otherwise.
 */
export async function sendRequest(
  node: Pick<Libp2p, 'dialProtocol'>,
  target: PeerId,
  peer: string,
  protocol: string,
  data: Uint8Array,
  { timeoutMs, maxResponseBytes }: Required<RequestOptions>,
): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('request timed out')), timeoutMs);
  const signal = controller.signal;
  let stream: Stream | undefined;
  try {
    stream = await node.dialProtocol(target, protocol, { signal });
    const lp = lpStream(stream, {
      maxDataLength: maxResponseBytes,
      maxBufferSize: maxResponseBytes + MAX_VARINT_BYTES,
    });
    await lp.write(data, { signal });
    await stream.close({ signal });
    const response = (await lp.read({ signal })).subarray();
    return response;
  } catch (err) {
    const cause = err instanceof Error ? err : new Error(String(err));
    stream?.abort(cause);
    const meta = { peer, protocol, err: cause.message };
    if (signal.aborted) throw p2pError(P2pErrorCode.TIMEOUT, `request timed out after ${timeoutMs} ms`, meta, err);
    if (isOversizeError(err)) {
      throw p2pError(P2pErrorCode.MESSAGE_TOO_LARGE, `response larger than ${maxResponseBytes} bytes`, meta, err);
    }
    throw p2pError(P2pErrorCode.REQUEST_FAILED, `request failed: ${cause.message}`, meta, err);
  } finally {
    clearTimeout(timer);
  }
}
