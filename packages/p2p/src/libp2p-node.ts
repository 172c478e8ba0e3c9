/**
 * The libp2p node under a host: tcp + noise + yamux, identify and gossipsub with this chain's settings, and the
 * connection gater that enforces bans, the denylist and maxPeers (README, Limits and gossipsub settings). Kept out of
 * host.ts so that what libp2p is configured with reads in one place, apart from what the host does with it.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@babychain/util';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { GossipSub, Message } from '@libp2p/gossipsub';
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub';
import type { Identify } from '@libp2p/identify';
import { identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, PeerId, PrivateKey } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2pOptions } from 'libp2p';

export type Services = { identify: Identify; pubsub: GossipSub };

/** Slack over maxGossipBytes for one gossipsub RPC frame (topic, ids, piggybacked control messages). */
const GOSSIP_FRAME_OVERHEAD = 64 * 1024;

export interface NodeSettings {
  readonly privateKey: PrivateKey;
  readonly listen: readonly string[];
  readonly maxPeers: number;
  readonly maxGossipBytes: number;
  readonly metrics: Libp2pOptions['metrics'] | undefined;
  readonly log: Logger;
  /** why a peer may not connect either way ('denylisted', 'banned'), or undefined when it may */
  readonly refusal: (peer: string) => string | undefined;
}

/** A libp2p node, not started. */
export async function createNode(settings: NodeSettings): Promise<Libp2p<Services>> {
  const { log, maxPeers, maxGossipBytes } = settings;
  // The gater needs the live peer list, which exists only once the node does.
  const holder: { node?: Libp2p<Services> } = {};
  const refused = (peer: PeerId, why: string): boolean => {
    const id = peer.toString();
    const reason = settings.refusal(id);
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
    privateKey: settings.privateKey,
    addresses: { listen: [...settings.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    ...(settings.metrics === undefined ? {} : { metrics: settings.metrics }),
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
  return node;
}

/**
 * libp2p 3.3 re-arms a 1 s debounce timer (AddressManager._updatePeerStoreAddresses) when its transports stop, so a
 * process would linger for a second after close. Cancel it if the internal is there; do nothing otherwise.
 */
export function cancelAddressUpdate(node: Libp2p<Services>): void {
  const internals = node as unknown as {
    components?: { addressManager?: { _updatePeerStoreAddresses?: { stop?: () => void } } };
  };
  try {
    internals.components?.addressManager?._updatePeerStoreAddresses?.stop?.();
  } catch {
    // internals changed: the timer only delays exit by a second
  }
}
