/**
 * What a host is built with, and its checks: the options with their defaults, the node key seed, bootstrap
 * multiaddrs and peer ids (README, API). Kept out of host.ts so that the host starts from settings already valid.
 */
import type { Logger } from '@babychain/util';
import { silentLogger } from '@babychain/util';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Multiaddr } from '@multiformats/multiaddr';
import { multiaddr } from '@multiformats/multiaddr';
import type { Libp2pOptions } from 'libp2p';
import { P2pErrorCode, p2pError } from './errors.ts';
import { DEFAULT_MISMATCH_BAN_MS, GENESIS_HASH_BYTES } from './handshake.ts';

export interface P2pOptions {
  /** 32-byte ed25519 seed of the node key; the peer id derives from it */
  readonly nodeKeySeed: Uint8Array;
  /** P2P-2: the 32-byte hash every peer must answer the genesis handshake with (opaque to the host) */
  readonly genesisHash: Uint8Array;
  /** how long a peer on another genesis is refused (default 10 min) */
  readonly mismatchBanMs?: number;
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

export const DEFAULT_MAX_PEERS = 50;
export const DEFAULT_MAX_GOSSIP_BYTES = 4 * 1024 * 1024 + 64 * 1024;
export const DEFAULT_BAN_THRESHOLD = -100;
export const DEFAULT_BAN_MS = 60_000;
export const DEFAULT_REDIAL_INTERVAL_MS = 1000;

export interface BootstrapPeer {
  readonly addr: Multiaddr;
  readonly peer: string;
}

/** The options checked, with every default filled in. */
export interface HostSettings {
  readonly log: Logger;
  readonly maxPeers: number;
  readonly maxGossipBytes: number;
  readonly banMs: number;
  readonly redialIntervalMs: number;
  readonly banThreshold: number;
  readonly bootstrap: BootstrapPeer[];
  readonly genesisHash: Uint8Array;
  readonly mismatchBanMs: number;
}

/** Throws P2P_INVALID_OPTIONS for the first option out of range, in the order of the README. */
export function hostSettings(options: P2pOptions): HostSettings {
  checkSeed(options.nodeKeySeed);
  const log = options.logger ?? silentLogger;
  const maxPeers = positiveInt('maxPeers', options.maxPeers, DEFAULT_MAX_PEERS);
  const maxGossipBytes = positiveInt('maxGossipBytes', options.maxGossipBytes, DEFAULT_MAX_GOSSIP_BYTES);
  const banMs = positiveInt('banMs', options.banMs, DEFAULT_BAN_MS);
  const redialIntervalMs = positiveInt('redialIntervalMs', options.redialIntervalMs, DEFAULT_REDIAL_INTERVAL_MS);
  const mismatchBanMs = positiveInt('mismatchBanMs', options.mismatchBanMs, DEFAULT_MISMATCH_BAN_MS);
  if (!(options.genesisHash instanceof Uint8Array) || options.genesisHash.byteLength !== GENESIS_HASH_BYTES) {
    throw p2pError(P2pErrorCode.INVALID_OPTIONS, `genesisHash must be ${GENESIS_HASH_BYTES} bytes`, {
      length: options.genesisHash instanceof Uint8Array ? options.genesisHash.byteLength : null,
    });
  }
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
  const genesisHash = options.genesisHash;
  return {
    log,
    maxPeers,
    maxGossipBytes,
    banMs,
    redialIntervalMs,
    banThreshold,
    bootstrap,
    genesisHash,
    mismatchBanMs,
  };
}

export function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.byteLength !== 32) {
    throw p2pError(P2pErrorCode.INVALID_OPTIONS, 'nodeKeySeed must be 32 bytes', {
      length: seed instanceof Uint8Array ? seed.byteLength : null,
    });
  }
}

export function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw p2pError(P2pErrorCode.INVALID_OPTIONS, `${name} must be a positive integer`, { [name]: value });
  }
  return value;
}

export function parsePeerId(peer: string): PeerId {
  try {
    return peerIdFromString(peer);
  } catch (err) {
    throw p2pError(P2pErrorCode.INVALID_PEER_ID, `not a peer id: ${peer}`, { peer }, err);
  }
}

function peerIdOfAddr(addr: Multiaddr): string | undefined {
  return addr.getComponents().findLast((c) => c.name === 'p2p')?.value;
}
