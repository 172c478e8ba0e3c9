/**
 * `ConsensusNetwork` over libp2p (specs/p2p.md): the consensus topic (P2P-4), block sync (P2P-5) and round catch-up
 * (P2P-6) as protocols with bounded requests and responses. Decoding and size limits live here; consensus sees only
 * decoded messages.
 */
import type { ConsensusMessage } from '@babychain/codec';
import { decode, encode } from '@babychain/codec';
import type { ConsensusNetwork } from '@babychain/consensus';
import type { P2pHost } from '@babychain/p2p';
import { protocols, topics } from './protocols.ts';

/** Largest block-sync or catch-up response (P2P-5, P2P-6): a 4 MiB block plus its commit and votes. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_SYNC_REQUEST_BYTES = 64;
const SYNC_TIMEOUT_MS = 10_000;

/** `network`: the chain's `networkName` (P2P-2), the prefix of its topics and protocols. */
export function consensusNetworkOver(p2p: P2pHost, network: string): ConsensusNetwork {
  return {
    attach: (handlers) => {
      p2p.subscribe(topics.consensus(network), (data, from) => {
        let message: ConsensusMessage;
        try {
          message = decode('babychain.v0.ConsensusMessage', data, { maxBytes: MAX_RESPONSE_BYTES });
        } catch {
          return 'reject';
        }
        return handlers.receive(message, from);
      });
      const limits = { maxRequestBytes: MAX_SYNC_REQUEST_BYTES, maxResponseBytes: MAX_RESPONSE_BYTES };
      p2p.handle(
        protocols.blocks(network),
        async (request) => {
          const req = decode('babychain.v0.BlocksRequest', request, { maxBytes: MAX_SYNC_REQUEST_BYTES });
          const response = await handlers.serveBlocks(req.fromHeight, req.maxBlocks, MAX_RESPONSE_BYTES - 1024);
          return encode('babychain.v0.BlocksResponse', response);
        },
        limits,
      );
      p2p.handle(
        protocols.catchUp(network),
        async (request) => {
          const req = decode('babychain.v0.CatchUpRequest', request, { maxBytes: MAX_SYNC_REQUEST_BYTES });
          return encode('babychain.v0.CatchUpResponse', handlers.serveCatchUp(req.height, req.round));
        },
        limits,
      );
    },
    broadcast: (message) => {
      void p2p.publish(topics.consensus(network), encode('babychain.v0.ConsensusMessage', message)).catch(() => {});
    },
    requestBlocks: async (peer, fromHeight, maxBlocks) => {
      const request = encode('babychain.v0.BlocksRequest', { fromHeight, maxBlocks });
      const bytes = await p2p.request(peer, protocols.blocks(network), request, {
        timeoutMs: SYNC_TIMEOUT_MS,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      return decode('babychain.v0.BlocksResponse', bytes, { maxBytes: MAX_RESPONSE_BYTES });
    },
    requestCatchUp: async (peer, height, round) => {
      const request = encode('babychain.v0.CatchUpRequest', { height, round });
      const bytes = await p2p.request(peer, protocols.catchUp(network), request, {
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      return decode('babychain.v0.CatchUpResponse', bytes, { maxBytes: MAX_RESPONSE_BYTES });
    },
    penalize: (peer, points, reason) => p2p.penalize(peer, points, reason),
  };
}
