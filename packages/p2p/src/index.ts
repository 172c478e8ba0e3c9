// @babychain/p2p: public surface (README.md). Everything else in src/ is internal.
export type { P2pError } from './errors.ts';
export { P2pErrorCode } from './errors.ts';
export type { GossipHandler, GossipVerdict, P2pMetrics, PeerEvent } from './host.ts';
export { P2pHost, peerIdFromSeed } from './host.ts';
export type { P2pOptions } from './options.ts';
export type { RequestHandler, RequestLimits, RequestOptions } from './reqresp.ts';
