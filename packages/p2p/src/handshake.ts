/**
 * P2P-2's genesis handshake: on every new peer each side asks the other for its genesis hash, and a peer that
 * answers with another one is logged, disconnected and refused both ways for a while, so that a node started with
 * the wrong genesis file says so at once instead of sitting among peers it can exchange nothing with. What keeps
 * such nodes from exchanging data is the genesis tag in every topic and protocol name (the node's and the
 * launcher's); this makes the mismatch visible and stops the redialling. The hash is opaque bytes here.
 */
import type { Logger } from '@babychain/util';
import { errorMessage, P2pErrorCode, p2pError } from './errors.ts';
import type { RequestHandler, RequestLimits, RequestOptions } from './reqresp.ts';

/** The handshake's protocol: one name on every chain, so that nodes of different chains also see the mismatch. */
export const GENESIS_PROTOCOL = '/babychain/genesis/0';
/** A genesis hash: SHA-256. */
export const GENESIS_HASH_BYTES = 32;
export const GENESIS_LIMITS: RequestLimits = { maxRequestBytes: 64, maxResponseBytes: 64 };
/** How long a peer on another genesis is refused: it will not change its genesis file in a second. */
export const DEFAULT_MISMATCH_BAN_MS = 10 * 60_000;
const HANDSHAKE_TIMEOUT_MS = 5000;

export interface HandshakeIo {
  readonly log: Logger;
  request(peer: string, protocol: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array>;
  hangUp(peer: string): void;
  closed(): boolean;
}

export class GenesisHandshake {
  readonly #ours: Uint8Array;
  readonly #banMs: number;
  readonly #io: HandshakeIo;
  /** peer → when its refusal ends (ms since epoch) */
  readonly #mismatched = new Map<string, number>();
  #count = 0;

  constructor(ours: Uint8Array, banMs: number, io: HandshakeIo) {
    this.#ours = ours.slice();
    this.#banMs = banMs;
    this.#io = io;
  }

  /**
   * The responder: answers our hash to any 32-byte request, which is the requester's hash. On another one the peer
   * is refused from now on, but this connection is left for the requester to close once it has read our answer:
   * closing it here could cut the answer off, and the requester would never learn why it is refused.
   */
  readonly handler: RequestHandler = (request, from) => {
    if (request.byteLength !== GENESIS_HASH_BYTES) {
      return Promise.reject(
        p2pError(P2pErrorCode.BAD_REQUEST, `a genesis handshake carries ${GENESIS_HASH_BYTES} bytes`),
      );
    }
    if (!sameBytes(request, this.#ours)) this.#mismatch(from, request);
    return Promise.resolve(this.#ours.slice());
  };

  /**
   * The requester, run on every new peer. A transport failure (the connection closed, a timeout) leaves the peer
   * as it is: the names already keep a peer on another genesis from exchanging anything, and the next connection
   * runs the handshake again.
   */
  async check(peer: string): Promise<void> {
    let theirs: Uint8Array;
    try {
      theirs = await this.#io.request(peer, GENESIS_PROTOCOL, this.#ours, {
        timeoutMs: HANDSHAKE_TIMEOUT_MS,
        maxResponseBytes: GENESIS_LIMITS.maxResponseBytes,
      });
    } catch (err) {
      if (!this.#io.closed()) this.#io.log.debug('p2p: genesis handshake failed', { peer, err: errorMessage(err) });
      return;
    }
    if (sameBytes(theirs, this.#ours)) {
      this.#io.log.debug('p2p: peer on the same genesis', { peer });
      return;
    }
    this.#mismatch(peer, theirs);
    this.#io.hangUp(peer);
  }

  /** Logged once per refusal, whichever side of the handshake found it first. */
  #mismatch(peer: string, theirs: Uint8Array): void {
    if (this.refuses(peer)) return;
    this.#count++;
    this.#mismatched.set(peer, Date.now() + this.#banMs);
    this.#io.log.warn('p2p: peer is on another genesis: disconnected and refused', {
      peer,
      code: P2pErrorCode.GENESIS_MISMATCH,
      ours: hex(this.#ours),
      theirs: hex(theirs),
      refusedMs: this.#banMs,
    });
  }

  /** True while `peer` is refused for its genesis. */
  refuses(peer: string): boolean {
    const until = this.#mismatched.get(peer);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.#mismatched.delete(peer);
    return false;
  }

  /** Peers found on another genesis since the host started. */
  get mismatches(): number {
    return this.#count;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
