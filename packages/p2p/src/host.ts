import { createHash } from 'node:crypto';
import { isBabyError } from '@babychain/codec';
import { type Logger, silentLogger } from '@babychain/util';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { GossipSub, Message } from '@libp2p/gossipsub';
import { gossipsub, StrictNoSign, TopicValidatorResult } from '@libp2p/gossipsub';
import type { Identify } from '@libp2p/identify';
import { identify } from '@libp2p/identify';
import type { Connection, ConnectionGater, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { lpStream } from '@libp2p/utils';
import type { Multiaddr } from '@multiformats/multiaddr';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2pOptions } from 'libp2p';
import { P2pErrorCode, p2pError } from './errors.ts';
import { PeerScores } from './scores.ts';

export interface P2pOptions {
  /** 32-byte ed25519 seed of the node key; the peer id derives from it */
  readonly nodeKeySeed: Uint8Array;
  /** e.g. ['/ip4/127.0.0.1/tcp/26656']; port 0 allowed */
  readonly listen: readonly string[];
  /** full multiaddrs with /p2p/<peerId>; the host keeps redialling those it is not connected to */
  readonly bootstrap?: readonly string[];
  /** default 50 */
  readonly maxPeers?: number;
  /** max bytes of one gossip message (default 4 MiB + 64 KiB) */
  readonly maxGossipBytes?: number;
  /** the package never prints: without one it is silent */
  readonly logger?: Logger;
  /** score at or below which a peer is disconnected and refused for banMs (default -100) */
  readonly banThreshold?: number;
  /** default 60 000 */
  readonly banMs?: number;
  /** default 1000 */
  readonly redialIntervalMs?: number;
  /** libp2p's metrics (e.g. @libp2p/prometheus-metrics): bytes in and out per connection and protocol */
  readonly metrics?: Libp2pOptions['metrics'];
}

export type GossipVerdict = 'accept' | 'reject' | 'ignore';
export type GossipHandler = (data: Uint8Array, from: string) => GossipVerdict | Promise<GossipVerdict>;
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

export interface P2pMetrics {
  peers: number;
  gossipIn: number;
  gossipOut: number;
  gossipRejected: number;
  requestsIn: number;
  requestsOut: number;
  bans: number;
}

export type PeerEvent = 'connect' | 'disconnect';

export const DEFAULT_MAX_PEERS = 50;
export const DEFAULT_MAX_GOSSIP_BYTES = 4 * 1024 * 1024 + 64 * 1024;
export const DEFAULT_BAN_THRESHOLD = -100;
export const DEFAULT_BAN_MS = 60_000;
export const DEFAULT_REDIAL_INTERVAL_MS = 1000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Points a peer loses for a gossip message the topic handler rejected. */
export const GOSSIP_REJECT_PENALTY = 20;
/** Points a peer loses for a request larger than the protocol's maxRequestBytes. */
export const OVERSIZE_REQUEST_PENALTY = 50;
/** Points a peer loses when a request handler throws a `P2P_BAD*` BabyError. */
export const BAD_REQUEST_PENALTY = 20;
/** How long an inbound stream may take to deliver its request. */
export const INBOUND_REQUEST_READ_TIMEOUT_MS = 10_000;
/** Slack over maxGossipBytes for one gossipsub RPC frame (topic, ids, piggybacked control messages). */
const GOSSIP_FRAME_OVERHEAD = 64 * 1024;
/** Bytes of a length prefix: a varint of a safe integer is at most 8 bytes; 10 covers any uint64. */
const MAX_VARINT_BYTES = 10;

type Services = { identify: Identify; pubsub: GossipSub };

/** The peer id (base58) of the host whose node key has this 32-byte ed25519 seed. */
export async function peerIdFromSeed(seed: Uint8Array): Promise<string> {
  checkSeed(seed);
  const key = await generateKeyPairFromSeed('Ed25519', seed);
  return peerIdFromPrivateKey(key).toString();
}

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.byteLength !== 32) {
    throw p2pError(P2pErrorCode.INVALID_OPTIONS, 'nodeKeySeed must be 32 bytes', {
      length: seed instanceof Uint8Array ? seed.byteLength : null,
    });
  }
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw p2pError(P2pErrorCode.INVALID_OPTIONS, `${name} must be a positive integer`, { [name]: value });
  }
  return value;
}

function parsePeerId(peer: string): PeerId {
  try {
    return peerIdFromString(peer);
  } catch (err) {
    throw p2pError(P2pErrorCode.INVALID_PEER_ID, `not a peer id: ${peer}`, { peer }, err);
  }
}

function peerIdOfAddr(addr: Multiaddr): string | undefined {
  return addr.getComponents().findLast((c) => c.name === 'p2p')?.value;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Errors of @libp2p/utils' length-prefixed reader that mean "the frame is larger than allowed". */
function isOversizeError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'InvalidDataLengthError' ||
    err.name === 'InvalidDataLengthLengthError' ||
    err.name === 'StreamBufferError'
  );
}

/**
 * libp2p 3.3 re-arms a 1 s debounce timer (AddressManager._updatePeerStoreAddresses) when its transports stop, so a
 * process would linger for a second after close. Cancel it if the internal is there; do nothing otherwise.
 */
function cancelAddressUpdate(node: Libp2p<Services>): void {
  const internals = node as unknown as {
    components?: { addressManager?: { _updatePeerStoreAddresses?: { stop?: () => void } } };
  };
  try {
    internals.components?.addressManager?._updatePeerStoreAddresses?.stop?.();
  } catch {
    // internals changed: the timer only delays exit by a second
  }
}

/**
 * A transport-only libp2p host: tcp + noise + yamux, gossipsub topics and one-shot request/response protocols,
 * with an application-level peer score, bans and a denylist. It never interprets message contents.
 */
export class P2pHost {
  readonly peerId: string;
  readonly #node: Libp2p<Services>;
  readonly #pubsub: GossipSub;
  readonly #log: Logger;
  readonly #maxGossipBytes: number;
  readonly #redialIntervalMs: number;
  readonly #scores: PeerScores;
  readonly #bootstrap: { addr: Multiaddr; peer: string }[];
  readonly #denylist: { ids: Set<string> };
  readonly #dialing = new Set<string>();
  readonly #topics = new Set<string>();
  readonly #protocols = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #listeners = { connect: new Set<(peer: string) => void>(), disconnect: new Set<(peer: string) => void>() };
  readonly #counters = { gossipIn: 0, gossipOut: 0, gossipRejected: 0, requestsIn: 0, requestsOut: 0, bans: 0 };
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Creates and starts a host; use P2pHost.create. */
  private constructor(
    node: Libp2p<Services>,
    state: {
      log: Logger;
      maxGossipBytes: number;
      redialIntervalMs: number;
      scores: PeerScores;
      bootstrap: { addr: Multiaddr; peer: string }[];
      denylist: { ids: Set<string> };
    },
  ) {
    this.#node = node;
    this.#pubsub = node.services.pubsub;
    this.peerId = node.peerId.toString();
    this.#log = state.log;
    this.#maxGossipBytes = state.maxGossipBytes;
    this.#redialIntervalMs = state.redialIntervalMs;
    this.#scores = state.scores;
    this.#bootstrap = state.bootstrap;
    this.#denylist = state.denylist;
  }

  static async create(options: P2pOptions): Promise<P2pHost> {
    checkSeed(options.nodeKeySeed);
    const log = options.logger ?? silentLogger;
    const maxPeers = positiveInt('maxPeers', options.maxPeers, DEFAULT_MAX_PEERS);
    const maxGossipBytes = positiveInt('maxGossipBytes', options.maxGossipBytes, DEFAULT_MAX_GOSSIP_BYTES);
    const banMs = positiveInt('banMs', options.banMs, DEFAULT_BAN_MS);
    const redialIntervalMs = positiveInt('redialIntervalMs', options.redialIntervalMs, DEFAULT_REDIAL_INTERVAL_MS);
    const banThreshold = options.banThreshold ?? DEFAULT_BAN_THRESHOLD;
    if (!Number.isFinite(banThreshold)) {
      throw p2pError(P2pErrorCode.INVALID_OPTIONS, 'banThreshold must be a finite number', { banThreshold });
    }
    if (options.listen.length === 0) {
      throw p2pError(P2pErrorCode.INVALID_OPTIONS, 'at least one listen address is required');
    }
    const bootstrap = (options.bootstrap ?? []).map((text) => {
      let addr: Multiaddr;
      try {
        addr = multiaddr(text);
      } catch (err) {
        throw p2pError(P2pErrorCode.INVALID_OPTIONS, `bad bootstrap multiaddr: ${text}`, { addr: text }, err);
      }
      const peer = peerIdOfAddr(addr);
      if (peer === undefined) {
        throw p2pError(P2pErrorCode.INVALID_OPTIONS, `bootstrap multiaddr lacks /p2p/<peerId>: ${text}`, {
          addr: text,
        });
      }
      parsePeerId(peer);
      return { addr, peer };
    });

    const privateKey = await generateKeyPairFromSeed('Ed25519', options.nodeKeySeed);
    const self = peerIdFromPrivateKey(privateKey).toString();
    const scores = new PeerScores({ banThreshold, banMs });
    const denylist = { ids: new Set<string>() };
    // The gater needs the live peer list, which exists only once the node does.
    const holder: { node?: Libp2p<Services> } = {};
    const refused = (peer: PeerId, why: string): boolean => {
      const id = peer.toString();
      let reason: string | undefined;
      if (denylist.ids.has(id)) reason = 'denylisted';
      else if (scores.isBanned(id)) reason = 'banned';
      if (reason === undefined) return false;
      log.debug(`p2p: connection ${why} refused: peer ${reason}`, { peer: id, reason });
      return true;
    };
    const gater: ConnectionGater = {
      denyDialPeer: (peer) => refused(peer, 'dial'),
      denyOutboundEncryptedConnection: (peer) => refused(peer, 'outbound'),
      denyInboundEncryptedConnection: (peer) => {
        if (refused(peer, 'inbound')) return true;
        const node = holder.node;
        if (node !== undefined && node.getConnections(peer).length === 0 && node.getPeers().length >= maxPeers) {
          log.debug('p2p: inbound connection refused: maxPeers reached', { peer: peer.toString(), maxPeers });
          return true;
        }
        return false;
      },
      denyInboundUpgradedConnection: (peer) => refused(peer, 'inbound'),
      denyOutboundUpgradedConnection: (peer) => refused(peer, 'outbound'),
    };

    const node = await createLibp2p<Services>({
      privateKey,
      addresses: { listen: [...options.listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: gater,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      connectionManager: {
        maxConnections: maxPeers * 2 + 8,
        // Devnets run every node on one loopback address; the default (5 per second per host) refuses them.
        inboundConnectionThreshold: Math.max(100, maxPeers * 4),
        maxIncomingPendingConnections: Math.max(10, maxPeers),
        dialTimeout: 5000,
      },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: (msg: Message) => createHash('sha256').update(msg.data).digest(),
          maxInboundDataLength: maxGossipBytes + GOSSIP_FRAME_OVERHEAD,
          floodPublish: true,
          fallbackToFloodsub: false,
          D: 4,
          Dlo: 2,
          Dhi: 8,
          Dout: 1,
          Dscore: 2,
          Dlazy: 4,
          heartbeatInterval: 700,
          // Every devnet node shares 127.0.0.1; our own score handles misbehaviour.
          scoreParams: { IPColocationFactorWeight: 0 },
        }),
      },
      start: false,
    });
    holder.node = node;
    const host = new P2pHost(node, { log, maxGossipBytes, redialIntervalMs, scores, bootstrap, denylist });
    host.#wire();
    await node.start();
    log.info('p2p: host started', { peerId: self, addrs: host.multiaddrs() });
    host.#redial();
    host.#timer = setInterval(() => host.#redial(), redialIntervalMs);
    host.#timer.unref();
    return host;
  }

  #wire(): void {
    this.#node.addEventListener('peer:connect', (evt) => {
      const peer = evt.detail.toString();
      this.#log.info('p2p: peer connected', { peer });
      this.#emit('connect', peer);
    });
    this.#node.addEventListener('peer:disconnect', (evt) => {
      const peer = evt.detail.toString();
      this.#log.info('p2p: peer disconnected', { peer });
      this.#emit('disconnect', peer);
    });
  }

  #emit(event: PeerEvent, peer: string): void {
    for (const listener of this.#listeners[event]) {
      try {
        listener(peer);
      } catch (err) {
        this.#log.error(`p2p: ${event} listener threw`, { peer, err: errorMessage(err) });
      }
    }
  }

  #track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      (err: unknown) => {
        if (!this.#closed) this.#log.debug('p2p: background task failed', { err: errorMessage(err) });
      },
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #redial(): void {
    if (this.#closed) return;
    this.#scores.prune();
    const connected = new Set(this.peers());
    for (const { addr, peer } of this.#bootstrap) {
      if (peer === this.peerId || connected.has(peer) || this.#dialing.has(peer)) continue;
      if (this.#denylist.ids.has(peer) || this.#scores.isBanned(peer)) continue;
      this.#dialing.add(peer);
      this.#track(
        this.#node
          .dial(addr, { signal: AbortSignal.timeout(Math.max(2000, this.#redialIntervalMs * 4)) })
          .then(
            () => undefined,
            (err: unknown) => {
              this.#log.debug('p2p: bootstrap dial failed', { peer, err: errorMessage(err) });
            },
          )
          .finally(() => this.#dialing.delete(peer)),
      );
    }
  }

  /** Listen addresses, each ending in /p2p/<peerId>. */
  multiaddrs(): string[] {
    return this.#node.getMultiaddrs().map((a) => a.toString());
  }

  /**
   * Subscribes to `topic`. The handler runs as gossipsub's topic validator: 'accept' delivers and forwards, 'ignore'
   * drops, 'reject' drops and penalises the peer that sent the message by GOSSIP_REJECT_PENALTY. A handler that
   * throws counts as 'ignore'.
   */
  subscribe(topic: string, handler: GossipHandler): void {
    this.#open();
    if (this.#topics.has(topic)) {
      throw p2pError(P2pErrorCode.DUPLICATE_HANDLER, `already subscribed to ${topic}`, { topic });
    }
    this.#topics.add(topic);
    this.#pubsub.topicValidators.set(topic, async (source: PeerId, msg: Message) => {
      const from = source.toString();
      this.#counters.gossipIn++;
      let verdict: GossipVerdict;
      if (msg.data.byteLength > this.#maxGossipBytes) {
        verdict = 'reject';
      } else {
        try {
          verdict = await handler(msg.data, from);
        } catch (err) {
          this.#log.error('p2p: gossip handler threw', { topic, peer: from, err: errorMessage(err) });
          verdict = 'ignore';
        }
      }
      if (verdict === 'accept') return TopicValidatorResult.Accept;
      if (verdict === 'reject') {
        this.#counters.gossipRejected++;
        this.penalize(from, GOSSIP_REJECT_PENALTY, `gossip rejected on ${topic}`);
        return TopicValidatorResult.Reject;
      }
      return TopicValidatorResult.Ignore;
    });
    this.#pubsub.subscribe(topic);
  }

  /** Publishes `data` on `topic`; returns how many peers it was sent to (0 without peers, or for a duplicate). */
  async publish(topic: string, data: Uint8Array): Promise<number> {
    this.#open();
    if (data.byteLength > this.#maxGossipBytes) {
      throw p2pError(P2pErrorCode.MESSAGE_TOO_LARGE, `gossip message of ${data.byteLength} bytes`, {
        topic,
        size: data.byteLength,
        max: this.#maxGossipBytes,
      });
    }
    const { recipients } = await this.#pubsub.publish(topic, data);
    this.#counters.gossipOut++;
    return recipients.length;
  }

  /**
   * Serves `protocol`: one length-prefixed request in, one length-prefixed response out, per stream. A request over
   * limits.maxRequestBytes resets the stream and costs the sender OVERSIZE_REQUEST_PENALTY. A handler that throws
   * closes the stream without a response; a `P2P_BAD*` BabyError also costs the sender BAD_REQUEST_PENALTY.
   */
  handle(protocol: string, handler: RequestHandler, limits: RequestLimits): void {
    this.#open();
    if (this.#protocols.has(protocol)) {
      throw p2pError(P2pErrorCode.DUPLICATE_HANDLER, `already handling ${protocol}`, { protocol });
    }
    const maxRequestBytes = positiveInt('maxRequestBytes', limits.maxRequestBytes, 1);
    const maxResponseBytes = positiveInt('maxResponseBytes', limits.maxResponseBytes, 1);
    this.#protocols.add(protocol);
    this.#track(
      this.#node.handle(
        protocol,
        (stream, connection) => {
          this.#track(this.#serve(protocol, handler, { maxRequestBytes, maxResponseBytes }, stream, connection));
        },
        { maxInboundStreams: 64, maxOutboundStreams: 64 },
      ),
    );
  }

  async #serve(
    protocol: string,
    handler: RequestHandler,
    limits: RequestLimits,
    stream: Stream,
    connection: Connection,
  ): Promise<void> {
    const from = connection.remotePeer.toString();
    this.#counters.requestsIn++;
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
        this.penalize(from, OVERSIZE_REQUEST_PENALTY, `oversize request on ${protocol}`);
      } else {
        this.#log.debug('p2p: could not read request', { protocol, peer: from, err: errorMessage(err) });
      }
      return;
    }
    let response: Uint8Array;
    try {
      response = await handler(request, from);
    } catch (err) {
      if (isBabyError(err) && err.code.startsWith('P2P_BAD')) {
        this.penalize(from, BAD_REQUEST_PENALTY, `${err.code} on ${protocol}: ${err.message}`);
      } else {
        this.#log.warn('p2p: request handler threw', { protocol, peer: from, err: errorMessage(err) });
      }
      await stream.close().catch((e: unknown) => stream.abort(e instanceof Error ? e : new Error(String(e))));
      return;
    }
    if (response.byteLength > limits.maxResponseBytes) {
      this.#log.error('p2p: response larger than maxResponseBytes, not sent', {
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
      this.#log.debug('p2p: could not send response', { protocol, peer: from, err: errorMessage(err) });
    }
  }

  /**
   * Sends one request to `peer` on `protocol` and reads its response. Rejects with P2P_TIMEOUT after timeoutMs,
   * P2P_MESSAGE_TOO_LARGE when the response exceeds maxResponseBytes, P2P_REQUEST_FAILED otherwise.
   */
  async request(peer: string, protocol: string, data: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
    this.#open();
    const target = parsePeerId(peer);
    const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, DEFAULT_REQUEST_TIMEOUT_MS);
    const maxResponseBytes = positiveInt('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);
    this.#counters.requestsOut++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('request timed out')), timeoutMs);
    const signal = controller.signal;
    let stream: Stream | undefined;
    try {
      stream = await this.#node.dialProtocol(target, protocol, { signal });
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

  /** Connected peer ids. */
  peers(): string[] {
    return this.#node.getPeers().map((p) => p.toString());
  }

  /**
   * Lowers `peer`'s score by `points`. At or below the ban threshold the peer is disconnected and every connection
   * from or to it is refused for banMs.
   */
  penalize(peer: string, points: number, reason: string): void {
    if (!Number.isFinite(points) || points < 0) {
      throw p2pError(P2pErrorCode.INVALID_OPTIONS, 'penalty points must be a non-negative number', { points });
    }
    const { score, banned } = this.#scores.penalize(peer, points);
    this.#log[banned ? 'warn' : 'info'](`p2p: peer penalised: ${reason}`, { peer, points, score, banned });
    if (banned) {
      this.#counters.bans++;
      this.#hangUp(peer);
    }
  }

  score(peer: string): number {
    return this.#scores.score(peer);
  }

  /** Refuses connections to and from these peers and closes existing ones; an empty list lifts the denylist. */
  setDenylist(peerIds: readonly string[]): void {
    for (const peer of peerIds) parsePeerId(peer);
    this.#denylist.ids = new Set(peerIds);
    this.#log.info('p2p: denylist set', { peers: [...peerIds] });
    for (const peer of this.peers()) {
      if (this.#denylist.ids.has(peer)) this.#hangUp(peer);
    }
  }

  #hangUp(peer: string): void {
    if (this.#closed) return;
    let id: PeerId;
    try {
      id = peerIdFromString(peer);
    } catch {
      return;
    }
    this.#track(this.#node.hangUp(id));
  }

  onPeer(event: PeerEvent, listener: (peer: string) => void): void {
    this.#listeners[event].add(listener);
  }

  metrics(): P2pMetrics {
    return { peers: this.#closed ? 0 : this.#node.getPeers().length, ...this.#counters };
  }

  /** Stops the redial loop and the libp2p node; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#node.stop();
    await Promise.allSettled([...this.#pending]);
    cancelAddressUpdate(this.#node);
    this.#log.info('p2p: host stopped', { peerId: this.peerId });
  }

  #open(): void {
    if (this.#closed) throw p2pError(P2pErrorCode.CLOSED, 'the p2p host is closed');
  }
}
