import type { Logger } from '@babychain/util';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { GossipSub, Message } from '@libp2p/gossipsub';
import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { errorMessage, P2pErrorCode, p2pError } from './errors.ts';
import { GENESIS_LIMITS, GENESIS_PROTOCOL, GenesisHandshake } from './handshake.ts';
import { cancelAddressUpdate, createNode, type Services } from './libp2p-node.ts';
import { type BootstrapPeer, checkSeed, hostSettings, type P2pOptions, parsePeerId, positiveInt } from './options.ts';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RequestHandler,
  type RequestLimits,
  type RequestOptions,
  sendRequest,
  serveRequest,
} from './reqresp.ts';
import { PeerScores } from './scores.ts';

export type GossipVerdict = 'accept' | 'reject' | 'ignore';
export type GossipHandler = (data: Uint8Array, from: string) => GossipVerdict | Promise<GossipVerdict>;

export interface P2pMetrics {
  peers: number;
  gossipIn: number;
  gossipOut: number;
  gossipRejected: number;
  requestsIn: number;
  requestsOut: number;
  bans: number;
  /** peers found on another genesis (P2P-2) */
  genesisMismatches: number;
}

export type PeerEvent = 'connect' | 'disconnect';

/** Points a peer loses for a gossip message the topic handler rejected. */
export const GOSSIP_REJECT_PENALTY = 20;

/** The peer id (base58) of the host whose node key has this 32-byte ed25519 seed. */
export async function peerIdFromSeed(seed: Uint8Array): Promise<string> {
  checkSeed(seed);
  const key = await generateKeyPairFromSeed('Ed25519', seed);
  return peerIdFromPrivateKey(key).toString();
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
  readonly #bootstrap: BootstrapPeer[];
  readonly #denylist: { ids: Set<string> };
  readonly #handshake: GenesisHandshake;
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
      bootstrap: BootstrapPeer[];
      denylist: { ids: Set<string> };
      handshake: GenesisHandshake;
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
    this.#handshake = state.handshake;
  }

  static async create(options: P2pOptions): Promise<P2pHost> {
    const settings = hostSettings(options);
    const { log, maxPeers, maxGossipBytes, banMs, redialIntervalMs, banThreshold, bootstrap } = settings;
    const privateKey = await generateKeyPairFromSeed('Ed25519', options.nodeKeySeed);
    const self = peerIdFromPrivateKey(privateKey).toString();
    const scores = new PeerScores({ banThreshold, banMs });
    const denylist = { ids: new Set<string>() };
    // the host exists only once the node does; the handshake reaches it through this holder
    const holder: { host?: P2pHost } = {};
    const handshake = new GenesisHandshake(settings.genesisHash, settings.mismatchBanMs, {
      log,
      // the handshake's own requests stay out of the request counters, which are the modules' traffic
      request: (peer, protocol, data, opts) => (holder.host as P2pHost).#request(peer, protocol, data, opts, false),
      hangUp: (peer) => {
        if (holder.host !== undefined) holder.host.#hangUp(peer);
      },
      closed: () => holder.host === undefined || holder.host.#closed,
    });
    const node = await createNode({
      privateKey,
      listen: options.listen,
      maxPeers,
      maxGossipBytes,
      metrics: options.metrics,
      log,
      refusal: (peer) => {
        if (denylist.ids.has(peer)) return 'denylisted';
        if (handshake.refuses(peer)) return 'on another genesis';
        return scores.isBanned(peer) ? 'banned' : undefined;
      },
    });
    const host = new P2pHost(node, { log, maxGossipBytes, redialIntervalMs, scores, bootstrap, denylist, handshake });
    holder.host = host;
    host.#serve(GENESIS_PROTOCOL, handshake.handler, GENESIS_LIMITS, false);
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
      // P2P-2: every new peer proves it holds our genesis, or is disconnected and refused
      this.#track(this.#handshake.check(peer));
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
      if (this.#denylist.ids.has(peer) || this.#scores.isBanned(peer) || this.#handshake.refuses(peer)) continue;
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
    this.#serve(protocol, handler, limits, true);
  }

  #serve(protocol: string, handler: RequestHandler, limits: RequestLimits, counted: boolean): void {
    this.#open();
    if (this.#protocols.has(protocol)) {
      throw p2pError(P2pErrorCode.DUPLICATE_HANDLER, `already handling ${protocol}`, { protocol });
    }
    const bounds = {
      maxRequestBytes: positiveInt('maxRequestBytes', limits.maxRequestBytes, 1),
      maxResponseBytes: positiveInt('maxResponseBytes', limits.maxResponseBytes, 1),
    };
    this.#protocols.add(protocol);
    const ctx = {
      log: this.#log,
      penalize: (peer: string, points: number, why: string) => this.penalize(peer, points, why),
    };
    this.#track(
      this.#node.handle(
        protocol,
        (stream, connection) => {
          if (counted) this.#counters.requestsIn++;
          this.#track(serveRequest(protocol, handler, bounds, stream, connection, ctx));
        },
        { maxInboundStreams: 64, maxOutboundStreams: 64 },
      ),
    );
  }

  /**
   * Sends one request to `peer` on `protocol` and reads its response. Rejects with P2P_TIMEOUT after timeoutMs,
   * P2P_MESSAGE_TOO_LARGE when the response exceeds maxResponseBytes, P2P_REQUEST_FAILED otherwise.
   */
  request(peer: string, protocol: string, data: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
    return this.#request(peer, protocol, data, options, true);
  }

  async #request(
    peer: string,
    protocol: string,
    data: Uint8Array,
    options: RequestOptions,
    counted: boolean,
  ): Promise<Uint8Array> {
    this.#open();
    const target = parsePeerId(peer);
    const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, DEFAULT_REQUEST_TIMEOUT_MS);
    const maxResponseBytes = positiveInt('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);
    if (counted) this.#counters.requestsOut++;
    return sendRequest(this.#node, target, peer, protocol, data, { timeoutMs, maxResponseBytes });
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
    return {
      peers: this.#closed ? 0 : this.#node.getPeers().length,
      ...this.#counters,
      genesisMismatches: this.#handshake.mismatches,
    };
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
