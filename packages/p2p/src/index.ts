// @babychain/p2p: public surface (README.md). Everything else in src/ is internal.
export type { P2pError } from './errors.ts';
export { P2pErrorCode } from './errors.ts';
export type {
  GossipHandler,
  GossipVerdict,
  P2pMetrics,
  P2pOptions,
  PeerEvent,
  RequestHandler,
  RequestLimits,
  RequestOptions,
} from './host.ts';
export { P2pHost, peerIdFromSeed } from './host.ts';
